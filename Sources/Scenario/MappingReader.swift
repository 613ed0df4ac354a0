internal import Yams

/// The known keys of one mapping of a scenario file, made by `NodeReader.mapping(knownKeys:)`
/// (which has already reported every unknown key). Look a key up with `optional(_:)` or
/// `required(_:)`; a missing required key is reported at the mapping's own position.
public struct MappingReader {
  /// The mapping itself.
  public let reader: NodeReader
  let entries: [String: (key: Node, value: Node)]

  /// The known keys present in the mapping.
  public var keys: [String] { entries.keys.sorted() }

  /// Whether `key` is present.
  public func contains(_ key: String) -> Bool { entries[key] != nil }

  /// The value at `key`, or nil if absent.
  public func optional(_ key: String) -> NodeReader? {
    entries[key].map { NodeReader(node: $0.value, keyPath: reader.path(key), sink: reader.sink) }
  }

  /// The value at `key`; if absent, reports `expected key "<key>", found nothing` at the mapping.
  public func required(_ key: String) -> NodeReader? {
    guard let value = optional(key) else {
      reader.report(expected: "key \"\(key)\"", found: "nothing")
      return nil
    }
    return value
  }

  /// Reports a problem with the key `key` itself (e.g. a kind that conflicts with another).
  public func reportKey(_ key: String, expected: String, found: String) {
    reader.sink.report(at: entries[key]?.key.mark ?? reader.node.mark, keyPath: reader.path(key),
                       expected: expected, found: found)
  }

  /// `read` applied to the value at `key`, or `defaultValue` if the key is absent; nil only
  /// if the key is present and its value could not be read.
  public func read<T>(_ key: String, default defaultValue: T, _ read: (NodeReader) -> T?) -> T? {
    guard let value = optional(key) else { return defaultValue }
    return read(value)
  }
}
