import SimCore
public import AggregationModel

extension ScenarioFile where Sections == ModelSections {
  /// The model of this scenario, resolved (`ModelSpec.resolved()`): its sections (a section
  /// left out keeps `ModelSpec`'s defaults: one control-plane instance with APF, no APIServices,
  /// servers or clients) with `spec.run` applied (duration, warm-up, time bucket, Kubernetes
  /// version), then every parameter the file left to the version's default filled in for that
  /// version.
  public func modelSpec() -> ModelSpec {
    let links = sections.links
    var model = ModelSpec(duration: run.duration, apiServices: sections.apiServices?.entries.map(\.spec) ?? [],
                          extensionServers: sections.extensionServers?.entries.map(\.spec) ?? [],
                          clients: sections.clients?.specs(defaultLink: links?.clients) ?? [])
    model.version = run.kubernetesVersion
    model.warmup = run.warmup
    model.timeBucket = run.timeBucket
    if let controlPlane = sections.controlPlane { model.controlPlane = controlPlane.spec }
    model.backendLinks = links?.backends.map(\.spec) ?? []
    if let discovery = sections.discovery { model.discoveryManager = discovery.spec }
    model.faults = sections.faults?.entries.map(\.fault) ?? []
    return model.resolved()
  }

  /// `spec.sweep`: the parameters of the grid, in file order (empty without a sweep).
  public var sweep: [SweepParameter] { sections.sweep?.parameters ?? [] }

  /// `spec.expect`: the assertions on the results, in file order (empty without any).
  public var expectations: [Expectation] { sections.expect?.expectations ?? [] }
}
