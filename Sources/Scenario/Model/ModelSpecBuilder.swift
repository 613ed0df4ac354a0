import SimCore
public import AggregationModel

extension ScenarioLoader {
  /// A loader for aggsim's scenario files: every model section registered (`controlPlane`,
  /// `apiServices`, `extensionServers`, `links`, `clients`, `sweep`, `expect`) and the checks
  /// across them (`ModelChecks`), whose problems are reported with all the others.
  public static var aggsim: ScenarioLoader {
    var loader = ScenarioLoader()
    loader.register(ControlPlaneSection.self)
    loader.register(APIServicesSection.self)
    loader.register(ExtensionServersSection.self)
    loader.register(LinksSection.self)
    loader.register(ClientsSection.self)
    loader.register(DiscoverySection.self)
    loader.register(SweepSection.self)
    loader.register(ExpectSection.self)
    loader.addCheck(ModelChecks.run)
    return loader
  }
}

extension ScenarioFile {
  /// The model of this scenario: the sections read by `ScenarioLoader.aggsim` (absent ones
  /// take their defaults: one control-plane instance with APF, no APIServices, servers or
  /// clients), with `spec.run` applied (duration, warm-up, Kubernetes version) and the
  /// version's defaults filled in where the file left them out:
  /// - `controlPlane.proxy.discoveryTimeout`: `VersionBehaviour.discoveryTimeoutCap` (5 s from 1.16, none before);
  /// - an extension server's `maxStreamsPerConnection`: `VersionBehaviour.defaultHTTP2StreamsPerConnection`
  ///   (100 from 1.29, 250 before);
  /// - a client without `link:` gets `links.clients` (default `.ideal`).
  public func modelSpec() -> ModelSpec {
    let behaviour = VersionBehaviour(run.kubernetesVersion)
    let links = section(LinksSection.self)
    let clientLink = links?.clients ?? .ideal
    let servers = (section(ExtensionServersSection.self)?.entries ?? []).map { entry -> ExtensionServerSpec in
      var spec = entry.spec
      spec.maxStreamsPerConnection = spec.maxStreamsPerConnection ?? behaviour.defaultHTTP2StreamsPerConnection
      return spec
    }
    let clients = (section(ClientsSection.self)?.entries ?? []).map { entry -> ClientSpec in
      var spec = entry.spec
      if !entry.hasOwnLink { spec.link = clientLink }
      return spec
    }
    var model = ModelSpec(duration: run.duration, apiServices: section(APIServicesSection.self)?.entries.map(\.spec) ?? [],
                          extensionServers: servers, clients: clients)
    model.version = run.kubernetesVersion
    model.warmup = run.warmup
    model.timeBucket = run.timeBucket
    let controlPlane = section(ControlPlaneSection.self)
    model.controlPlane = controlPlane?.spec ?? ControlPlaneSpec()
    if !(controlPlane?.discoveryTimeoutGiven ?? false) {
      model.controlPlane.proxy.discoveryTimeout = behaviour.discoveryTimeoutCap
    }
    model.backendLinks = links?.backends.map(\.spec) ?? []
    model.discoveryManager = section(DiscoverySection.self)?.spec ?? DiscoveryManagerSpec()
    return model
  }

  /// `spec.sweep`: the parameters of the grid, in file order (empty without a sweep).
  public var sweep: [SweepParameter] { section(SweepSection.self)?.parameters ?? [] }

  /// `spec.expect`: the assertions on the results, in file order (empty without any).
  public var expectations: [Expectation] { section(ExpectSection.self)?.expectations ?? [] }
}
