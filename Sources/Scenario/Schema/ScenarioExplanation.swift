internal import Yams
internal import AggregationModel

/// `aggsim explain`: a scenario as YAML with every key of its declaration (`ScenarioSchema`) and
/// where each value comes from, as a trailing comment: `<file>:<line>` for a value written in the
/// file, `--set` for an override, `default` for the reader's default, and `Kubernetes <version>
/// default (<source>)` for a default that changed between releases (`VersionDefaults`). Defaults
/// that no value expresses (a random phase, every pod) are comments of their own; optional keys
/// without a default are left out, and so are the sections left out of the file that are lists
/// (clients, faults, …) and the alternatives not chosen of a mapping with exactly one of its keys.
public enum ScenarioExplanation {
  /// The explanation of the scenario at `path` with `overrides`; the scenario's problems if it
  /// is not valid.
  public static func text(path: String, overrides: [String] = []) throws(ScenarioErrors) -> String {
    let scenario = try ScenarioLoader.aggsim.load(path: path, overrides: overrides)
    guard let bytes = InputGuard.read(path: path) else { throw ScenarioErrors([]) }
    let document = try ScenarioLoader.aggsim.loaded(bytes: bytes, file: path, overrides: overrides).document
    var writer = Writer(file: path, version: scenario.run.kubernetesVersion)
    writer.mapping(document, ScenarioSchema.document, indent: "")
    return writer.lines.joined(separator: "\n") + "\n"
  }

  struct Writer {
    let file: String
    let version: KubernetesVersion
    var lines: [String] = []

    /// `<file>:<line>` of a value written in the file (the line of its key, if it has one), or
    /// `--set` for a value an override wrote (whose nodes have no place in the file).
    func origin(_ node: Node, key: Node? = nil) -> String {
      guard let mark = node.mark else { return "--set" }
      return "\(file):\((key?.mark ?? mark).line)"
    }

    static func pairs(_ node: Node?) -> [(key: String, keyNode: Node, value: Node)] {
      guard case .mapping(let m)? = node else { return [] }
      return m.compactMap { pair in pair.key.string.map { ($0, pair.key, pair.value) } }
    }

    /// The keys of `d`, those of `node` with their values, the others with their defaults.
    mutating func mapping(_ node: Node?, _ d: MappingDeclaration, indent: String) {
      let present = Self.pairs(node)
      for key in d.keys {
        if let pair = present.first(where: { $0.key == key.name }) {
          self.value(pair.value, key.value, name: key.name, at: origin(pair.value, key: pair.keyNode), indent: indent)
        } else if !d.exactlyOne.isEmpty {
          continue   // the alternatives not chosen (another workload, distribution kind, admission mode)
        } else if let note = key.versionDefault {
          lines.append("\(indent)\(key.name): \(note.value(version))  # Kubernetes \(version) default (\(note.source))")
        } else if let text = key.defaultText {
          lines.append(Self.isValue(text) ? "\(indent)\(key.name): \(text)  # default" : "\(indent)# \(key.name): \(text) (default)")
        } else if case .mapping(let inner) = key.value, !inner.keys.contains(where: \.required), inner.exactlyOne.isEmpty {
          lines.append("\(indent)\(key.name):  # default")
          mapping(nil, inner, indent: indent + "  ")
        }
      }
    }

    /// Whether a default is a value a scenario could write (`60s`, `[]`, `{qps: 5, burst: 10}`),
    /// not words (`every pod`).
    static func isValue(_ text: String) -> Bool {
      (text.hasPrefix("{") && !text.contains(";")) || !text.contains(" ")
    }

    /// A value written in the file (or by `--set`), of the declared form.
    mutating func value(_ node: Node, _ form: ValueForm, name: String, at source: String, indent: String) {
      switch node {
      case .scalar(let s):
        lines.append("\(indent)\(name): \(Self.text(s))  # \(source)")
      case .mapping:
        let keys = Set(Self.pairs(node).map(\.key))
        let candidates = ScenarioSchema.mappings(of: form, throughLists: false)
        guard let d = candidates.first(where: { keys.isSubset(of: Set($0.names)) }) ?? candidates.first, !d.keys.isEmpty else {
          lines.append("\(indent)\(name): {}  # \(source)")
          return
        }
        lines.append("\(indent)\(name):  # \(source)")
        mapping(node, d, indent: indent + "  ")
      case .sequence(let elements):
        lines.append("\(indent)\(name):\(elements.isEmpty ? " []" : "")  # \(source)")
        let forms = ScenarioSchema.elements(of: form)
        for element in elements {
          if case .scalar(let s) = element {
            lines.append("\(indent)  - \(Self.text(s))  # \(origin(element))")
            continue
          }
          let keys = Set(Self.pairs(element).map(\.key))
          let candidates = forms.flatMap { ScenarioSchema.mappings(of: $0, throughLists: false) }
          guard let d = candidates.first(where: { keys.isSubset(of: Set($0.names)) }) ?? candidates.first else { continue }
          lines.append("\(indent)  -  # \(origin(element))")
          mapping(element, d, indent: indent + "    ")
        }
      case .alias:
        lines.append("\(indent)\(name): *alias  # \(source)")
      }
    }

    /// A scalar as written: quoted if it was quoted.
    static func text(_ s: Node.Scalar) -> String {
      switch s.style {
      case .singleQuoted, .doubleQuoted: JSON.quote(s.string)
      default: s.string.isEmpty ? "null" : s.string
      }
    }
  }
}
