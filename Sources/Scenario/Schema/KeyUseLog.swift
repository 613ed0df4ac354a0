internal import Foundation

/// The known keys each mapping of a scenario was checked against, by key path, recorded while a
/// test reads scenarios inside `KeyUseLog.$current.withValue(log) { … }`: the test that the
/// readers and `ScenarioSchema` agree compares them with the declarations at the same paths.
/// Reading a scenario outside such a scope records nothing.
public final class KeyUseLog: @unchecked Sendable {
  /// The log of the reading task, if any.
  @TaskLocal public static var current: KeyUseLog?

  private let lock = NSLock()
  private var uses: [String: [Set<String>]] = [:]

  public init() {}

  func record(_ keyPath: String, _ knownKeys: [String]) {
    lock.lock()
    defer { lock.unlock() }
    uses[keyPath, default: []].append(Set(knownKeys))
  }

  /// Each key path (indices as `[]`) with the key sets the mappings there accepted; a value
  /// checked twice (as an arrival form, then as a workload) accepts only the keys of both.
  public var acceptedKeys: [String: Set<Set<String>>] {
    lock.lock()
    defer { lock.unlock() }
    var result: [String: Set<Set<String>>] = [:]
    for (path, sets) in uses {
      let accepted = sets.dropFirst().reduce(sets[0]) { $0.intersection($1) }
      result[Self.generalised(path), default: []].insert(accepted)
    }
    return result
  }

  /// `spec.clients[3].workload` → `spec.clients[].workload`.
  static func generalised(_ path: String) -> String {
    var out = ""
    var inIndex = false
    for c in path {
      if c == "[" { inIndex = true; out.append("[") } else if c == "]" { inIndex = false; out.append("]") } else if !inIndex { out.append(c) }
    }
    return out
  }
}
