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
  /// The model of this scenario, resolved (`ModelSpec.resolved()`): the sections read by
  /// `ScenarioLoader.aggsim` (a section left out keeps `ModelSpec`'s defaults: one control-plane
  /// instance with APF, no APIServices, servers or clients) with `spec.run` applied (duration,
  /// warm-up, time bucket, Kubernetes version), then every parameter the file left to the
  /// version's default filled in for that version.
  public func modelSpec() -> ModelSpec {
    let links = section(LinksSection.self)
    var model = ModelSpec(duration: run.duration, apiServices: section(APIServicesSection.self)?.entries.map(\.spec) ?? [],
                          extensionServers: section(ExtensionServersSection.self)?.entries.map(\.spec) ?? [],
                          clients: section(ClientsSection.self)?.specs(defaultLink: links?.clients) ?? [])
    model.version = run.kubernetesVersion
    model.warmup = run.warmup
    model.timeBucket = run.timeBucket
    if let controlPlane = section(ControlPlaneSection.self) { model.controlPlane = controlPlane.spec }
    model.backendLinks = links?.backends.map(\.spec) ?? []
    if let discovery = section(DiscoverySection.self) { model.discoveryManager = discovery.spec }
    return model.resolved()
  }

  /// `spec.sweep`: the parameters of the grid, in file order (empty without a sweep).
  public var sweep: [SweepParameter] { section(SweepSection.self)?.parameters ?? [] }

  /// `spec.expect`: the assertions on the results, in file order (empty without any).
  public var expectations: [Expectation] { section(ExpectSection.self)?.expectations ?? [] }
}
