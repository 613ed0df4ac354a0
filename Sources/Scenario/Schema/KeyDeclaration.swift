public import AggregationModel

/// The declared form of one mapping of a scenario file: its keys, in the order the reader
/// documents them, and which of them exclude each other. The readers take their known keys from
/// here (`NodeReader.mapping(_:)`), and `ScenarioSchema` builds the JSON Schema and the key
/// reference from the same declarations, so neither can accept a key the other does not know.
public struct MappingDeclaration: Sendable {
  /// The name of the form in the JSON Schema's `definitions` and in the reference, e.g. `proxy`.
  public let id: String
  /// What the mapping describes.
  public let doc: String
  /// The keys the reader accepts.
  public let keys: [KeyDeclaration]
  /// Keys of which exactly one must be given (an admission mode, a distribution kind), if any.
  public let exactlyOne: [String]
  /// Whether keys other than `keys` are ignored rather than errors (an APIService's `metadata`).
  public let open: Bool

  public init(_ id: String, _ doc: String, exactlyOne: [String] = [], open: Bool = false, _ keys: [KeyDeclaration]) {
    self.id = id
    self.doc = doc
    self.keys = keys
    self.exactlyOne = exactlyOne
    self.open = open
  }

  /// A mapping of which exactly one key must be given (`exactlyOne: .all`).
  public enum OneKey: Sendable { case all }

  /// A mapping with exactly one of its keys.
  public init(_ id: String, _ doc: String, exactlyOne: OneKey, _ keys: [KeyDeclaration]) {
    self.init(id, doc, exactlyOne: keys.map(\.name), keys)
  }

  /// The key names, as the reader checks them.
  public var names: [String] { keys.map(\.name) }

  /// The declaration of `name`, if it is a key of this mapping.
  public func key(_ name: String) -> KeyDeclaration? { keys.first { $0.name == name } }
}

/// One key of a mapping: its value's form, whether it is required, its default and what it means.
public struct KeyDeclaration: Sendable {
  public let name: String
  public let value: ValueForm
  public let required: Bool
  /// The default as a scenario would write it (`60s`, `none`), or what it is when no value
  /// says it (`every pod`); nil when there is none or it is a version's (`versionDefault`).
  public let defaultText: String?
  /// The version default (`VersionDefaults`) that fills the key when it is left out.
  public let versionDefault: VersionDefaultNote?
  public let doc: String

  /// A required key.
  public static func required(_ name: String, _ value: ValueForm, _ doc: String) -> Self {
    Self(name: name, value: value, required: true, defaultText: nil, versionDefault: nil, doc: doc)
  }

  /// An optional key whose default is `defaultText` (nil: absent means nothing, or the doc says it).
  public static func optional(_ name: String, _ value: ValueForm, default defaultText: String? = nil, _ doc: String) -> Self {
    Self(name: name, value: value, required: false, defaultText: defaultText, versionDefault: nil, doc: doc)
  }

  /// An optional key whose default is the Kubernetes version's.
  public static func versioned(_ name: String, _ value: ValueForm, _ versionDefault: VersionDefaultNote, _ doc: String) -> Self {
    Self(name: name, value: value, required: false, defaultText: nil, versionDefault: versionDefault, doc: doc)
  }
}

/// A default that depends on the Kubernetes version (`run.kubernetesVersion`): the declaration
/// in `VersionDefaults` (its key path, meaning, and source), without its value type.
public struct VersionDefaultNote: Sendable {
  public let key: String
  public let doc: String
  public let source: String
  /// The default in a version, as a scenario would write it (`5s`, `none`).
  public let value: @Sendable (KubernetesVersion) -> String
}

/// The form of a value in a scenario file, as its reader accepts it (YAML 1.2 core scalars).
public indirect enum ValueForm: Sendable {
  /// An integer in the bounds (nil: unbounded on that side).
  case integer(min: Int?, max: Int?)
  /// A finite number in the bounds.
  case number(min: Double?, max: Double?)
  case boolean
  /// A string; `nonEmpty` rejects "".
  case string(nonEmpty: Bool)
  /// A string of the given pattern (regular expression), described in words.
  case pattern(String, what: String)
  /// One of these strings.
  case oneOf([String])
  /// A duration with a unit (`250ms`, `1m30s`), at least `min` (`0s`, `> 0s`, `1ms`) as words.
  case duration(min: String)
  /// A rate with a unit (`10/s`, `3/min`, `100/h`).
  case rate
  /// A rate with a unit, or a number per second.
  case rateOrNumber(min: Double, max: Double)
  /// A Kubernetes version (`1.35`, `v1.35.2`).
  case kubernetesVersion
  /// Bytes per second: a number, or with K, M, G, Ki, Mi or Gi.
  case bandwidth
  /// A distribution of durations (`ScenarioSchema.distribution`).
  case distribution
  /// A mapping of the declared form.
  case mapping(MappingDeclaration)
  /// A sequence of values of one form.
  case list(ValueForm)
  /// Any one of these forms.
  case anyOf([ValueForm])
  /// `none` (or null), or a value of the form: "no limit / disabled".
  case noneOr(ValueForm)
  /// A YAML scalar of any type (a `--set` value of a sweep).
  case scalar
}
