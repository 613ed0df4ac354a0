/// A section of a scenario's `spec` other than `run` (`extensionServers`, `clients`, `faults`, …),
/// read by its own type and held by a property of a `ScenarioSections` type.
///
/// `init?(reading:)` gets the section's value (key path `spec.<key>`); it reports each
/// problem through the reader's methods (or `NodeReader.report(expected:found:)`) and returns
/// nil if there was any. It must not throw or trap on any input.
public protocol ScenarioSection: Sendable {
  /// The key under `spec`, e.g. `extensionServers`.
  static var key: String { get }
  /// The section read from `node`, or nil after reporting its problems.
  init?(reading node: NodeReader)
}

/// The sections a scenario's `spec` may have besides `run`, as one value with a typed, optional
/// property per section (`ModelSections` for aggsim's files). `ScenarioLoader<Self>` reads each
/// key of `fields` present in the file with its section type and stores it; a section left out,
/// or one with problems, stays nil.
public protocol ScenarioSections: Sendable {
  /// No section.
  init()
  /// Every section: its key under `spec` and the property it is stored in.
  static var fields: [SectionField<Self>] { get }
  /// Checks across the sections (cross-references), run after every section was read; their
  /// problems are reported with the sections' own. None by default.
  static func check(_ read: SectionsRead<Self>) -> [ScenarioError]
  /// Combinations a user may mean but that a real cluster of the run's version does not have by
  /// default (a feature behind a gate that is off): reported as warnings, the scenario still
  /// loads. None by default.
  static func warnings(_ read: SectionsRead<Self>) -> [ScenarioError]
}

extension ScenarioSections {
  public static func check(_ read: SectionsRead<Self>) -> [ScenarioError] { [] }
  public static func warnings(_ read: SectionsRead<Self>) -> [ScenarioError] { [] }
}

/// One section of a `ScenarioSections` type: its key under `spec`, and how it is read into its property.
public struct SectionField<Sections> {
  /// The key under `spec`.
  public let key: String
  /// Reads the section's value into its property; false after reporting its problems.
  let read: (NodeReader, inout Sections) -> Bool

  /// The section `S`, at `spec.<S.key>`, stored in `property`.
  public static func section<S: ScenarioSection>(_ property: WritableKeyPath<Sections, S?>) -> Self {
    Self(key: S.key) { node, sections in
      guard let section = S(reading: node) else { return false }
      sections[keyPath: property] = section
      return true
    }
  }
}

/// What the checks across sections see: the sections read, the keys present in the file whose
/// section had problems of its own (already reported, so references into it are not checked),
/// and `spec.run` if it was read.
public struct SectionsRead<Sections: ScenarioSections> {
  public var sections: Sections
  /// Keys present under `spec` whose section could not be read.
  public var failed: Set<String>
  public var run: RunControl?

  /// Whether references into `S` can be checked: it was read, or it is absent from the file.
  public func checkable<S: ScenarioSection>(_ type: S.Type) -> Bool { !failed.contains(S.key) }
}

/// No section besides `spec.run`: the sections of a loader that reads only the run control.
public struct NoSections: ScenarioSections, Hashable {
  public init() {}
  public static var fields: [SectionField<Self>] { [] }
}
