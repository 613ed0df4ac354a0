/// A scenario file, read and validated: its name, how it is run, and the sections of its `spec`
/// as one typed value (`ModelSections` for aggsim's files; each section nil when left out).
public struct ScenarioFile<Sections: ScenarioSections>: Sendable {
  /// `metadata.name`: a DNS-1123 label (lowercase letters, digits, `-`; at most 63).
  public var name: String
  /// `metadata.description`, if given.
  public var description: String?
  /// `spec.run`, with defaults filled in.
  public var run: RunControl
  /// The sections of `spec` besides `run`.
  public var sections: Sections
  /// Warnings about the file (`ScenarioSections.warnings`): combinations a real cluster of the
  /// version has only with a non-default feature gate. The CLI prints them; they do not stop a run.
  public var warnings: [ScenarioError] = []

  /// A scenario from its parts.
  public init(name: String, description: String? = nil, run: RunControl, sections: Sections = Sections()) {
    self.name = name
    self.description = description
    self.run = run
    self.sections = sections
  }
}
