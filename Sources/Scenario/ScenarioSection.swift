/// A section of a scenario's `spec` other than `run` (`extensionServers`, `clients`, `faults`, …),
/// read by its own type and registered with `ScenarioLoader.register(_:)`.
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
