/// The sections of an aggsim scenario's `spec` besides `run`, each nil when the file leaves it
/// out: the model (`controlPlane`, `apiServices`, `extensionServers`, `links`, `clients`,
/// `discovery`, `faults`), the grid to run (`sweep`) and the assertions on the results (`expect`).
/// `ScenarioFile.modelSpec()` turns them into the `ModelSpec`; the checks across them
/// (`ModelChecks`) are reported with the sections' own problems.
public struct ModelSections: ScenarioSections, Hashable {
  public var apiServices: APIServicesSection?
  public var clients: ClientsSection?
  public var controlPlane: ControlPlaneSection?
  public var discovery: DiscoverySection?
  public var expect: ExpectSection?
  public var extensionServers: ExtensionServersSection?
  public var faults: FaultsSection?
  public var links: LinksSection?
  public var sweep: SweepSection?

  public init() {}

  public static var fields: [SectionField<Self>] {
    [.section(\.apiServices), .section(\.clients), .section(\.controlPlane), .section(\.discovery), .section(\.expect),
     .section(\.extensionServers), .section(\.faults), .section(\.links), .section(\.sweep)]
  }

  public static func check(_ read: SectionsRead<Self>) -> [ScenarioError] { ModelChecks.run(read) + VersionChecks.errors(read) }

  public static func warnings(_ read: SectionsRead<Self>) -> [ScenarioError] { VersionChecks.warnings(read) }
}

extension ScenarioLoader where Sections == ModelSections {
  /// The loader of aggsim's scenario files: every section of `ModelSections`.
  public static var aggsim: Self { Self() }
}
