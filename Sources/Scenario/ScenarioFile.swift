/// A scenario file, read and validated: its name, how it is run, and the `spec` sections of
/// the types registered with the `ScenarioLoader` that were present in the file.
public struct ScenarioFile: Sendable {
  /// `metadata.name`: a DNS-1123 label (lowercase letters, digits, `-`; at most 63).
  public var name: String
  /// `metadata.description`, if given.
  public var description: String?
  /// `spec.run`, with defaults filled in.
  public var run: RunControl
  /// The sections present in `spec`, by key.
  public var sections: [String: any ScenarioSection]

  /// A scenario from its parts.
  public init(name: String, description: String? = nil, run: RunControl, sections: [String: any ScenarioSection] = [:]) {
    self.name = name
    self.description = description
    self.run = run
    self.sections = sections
  }

  /// The section of type `S`, if the file had it.
  public func section<S: ScenarioSection>(_ type: S.Type) -> S? { sections[S.key] as? S }
}
