internal import Yams

/// `--set key.path=value` assignments, applied to the composed file before it is read, so a
/// value set this way is validated exactly like one written in the file.
///
/// A path is dotted keys with `[i]` indices (`spec.run.seed`, `spec.extensionServers[0].replicas`).
/// The value is YAML (`7` is an integer, `"7"` a string, `5ms` a string, `{exponential: {mean: 5ms}}`
/// a mapping). Missing keys and mappings on the way are inserted; an index must exist or be the
/// sequence's length (which appends); at most 64 segments. Problems name the assignment instead of a file position:
/// `--set spec.run.sed=7: spec.run.sed: expected a key of spec.run (did you mean "seed"?), found "sed"`.
enum ScenarioOverrides {
  enum Segment: Equatable {
    case key(String)
    case index(Int)
  }

  struct Assignment {
    var text: String
    var path: [Segment]
    var value: String

    /// The path as the readers spell key paths.
    var keyPath: String { ScenarioOverrides.spell(path[...]) }
  }

  static func spell(_ path: ArraySlice<Segment>) -> String {
    var out = ""
    for segment in path {
      switch segment {
      case .key(let k): out += out.isEmpty ? k : ".\(k)"
      case .index(let i): out += "[\(i)]"
      }
    }
    return out
  }

  /// `key.path=value` split into segments, or nil if the path is malformed.
  static func parse(_ text: String) -> Assignment? {
    guard let equals = text.firstIndex(of: "=") else { return nil }
    let pathText = text[..<equals]
    var path: [Segment] = []
    var rest = Substring(pathText)
    while !rest.isEmpty {
      let key = rest.prefix { $0 != "." && $0 != "[" && $0 != "]" }
      guard !key.isEmpty, !key.contains(where: \.isWhitespace) else { return nil }
      path.append(.key(String(key)))
      rest = rest.dropFirst(key.count)
      while rest.first == "[" {
        let digits = rest.dropFirst().prefix(while: \.isASCII).prefix(while: \.isNumber)
        guard !digits.isEmpty, digits.count <= 9, let index = Int(digits),
              rest.dropFirst(1 + digits.count).first == "]" else { return nil }
        path.append(.index(index))
        rest = rest.dropFirst(2 + digits.count)
      }
      if rest.first == "." {
        rest = rest.dropFirst()
        guard !rest.isEmpty else { return nil }
      } else if !rest.isEmpty {
        return nil
      }
    }
    guard !path.isEmpty, path.count <= InputGuard.maximumDepth else { return nil }
    return Assignment(text: text, path: path, value: String(text[text.index(after: equals)...]))
  }

  /// `root` with every assignment applied in order; problems go to `sink`.
  static func apply(_ assignments: [String], to root: Node, sink: DiagnosticSink) -> Node {
    var root = root
    for text in assignments {
      let origin = "--set \(text)"
      guard let assignment = parse(text) else {
        sink.add(ScenarioError(file: origin, line: 0, column: 0, keyPath: "",
                               expected: "key.path=value, such as spec.run.seed=7 or spec.extensionServers[0].replicas=3",
                               found: FoundText.quoted(text)))
        continue
      }
      let value: Node
      switch composeValue(assignment.value) {
      case .success(let node): value = node
      case .failure(let problem):
        sink.add(ScenarioError(file: origin, line: 0, column: 0, keyPath: assignment.keyPath,
                               expected: problem.expected, found: problem.found ?? FoundText.quoted(assignment.value)))
        continue
      }
      do {
        root = try set(root, assignment.path[...], to: value)
        sink.overrides.append((assignment.keyPath, text))
      } catch {
        sink.add(ScenarioError(file: origin, line: 0, column: 0, keyPath: spell(error.path),
                               expected: error.expected, found: error.found))
      }
    }
    return root
  }

  /// Why a `--set` value is not a value: what was expected, and what was found when it is not
  /// the value's text itself.
  struct ValueProblem: Error {
    var expected: String
    var found: String?
  }

  /// The value as a YAML node without marks (so problems with it name the assignment); a value
  /// too large or too deep once its aliases are expanded (an alias bomb) is refused here, before
  /// it is copied or merged into the file.
  static func composeValue(_ text: String) -> Result<Node, ValueProblem> {
    guard case .success(let checked) = InputGuard.check(Array(text.utf8)) else { return .failure(ValueProblem(expected: "a YAML value")) }
    guard let node = try? Yams.compose(yaml: checked) else {
      return (try? Yams.compose(yaml: "x: " + checked)) == nil
        ? .failure(ValueProblem(expected: "a YAML value")) : .success(Node.scalar(.init("", .implicit, .plain)))
    }
    if let (_, expected) = ScenarioLoader<NoSections>.treeProblem(node) {
      return .failure(ValueProblem(expected: "a value of " + expected, found: "more"))
    }
    return .success(unmarked(node))
  }

  static func unmarked(_ node: Node) -> Node {
    switch node {
    case .scalar(var s): s.mark = nil; return .scalar(s)
    case .mapping(let m):
      return .mapping(.init(m.map { (unmarked($0.key), unmarked($0.value)) }, m.tag, m.style, nil))
    case .sequence(let s): return .sequence(.init(s.map(unmarked), s.tag, s.style, nil))
    case .alias: return node
    }
  }

  struct PathError: Error {
    var path: ArraySlice<Segment>, expected: String, found: String
  }

  static func set(_ node: Node?, _ path: ArraySlice<Segment>, to value: Node,
                  walked: ArraySlice<Segment> = []) throws(PathError) -> Node {
    guard let segment = path.first else { return value }
    let here = walked + [segment]
    switch segment {
    case .key(let key):
      if node == nil || { if case .scalar(let s)? = node { return ScalarKind(s) == .null } else { return false } }() {
        return .mapping(.init([(Node.scalar(.init(key, .implicit, .plain)), try set(nil, path.dropFirst(), to: value, walked: here))]))
      }
      guard case .mapping(var mapping)? = node else {
        throw PathError(path: walked, expected: "a mapping (to hold \"\(key)\")", found: node.map(FoundText.of) ?? "nothing")
      }
      if let index = mapping.firstIndex(where: { $0.key.string == key }) {
        mapping[index].value = try set(mapping[index].value, path.dropFirst(), to: value, walked: here)
        return .mapping(mapping)
      }
      var pairs = mapping.map { ($0.key, $0.value) }
      pairs.append((Node.scalar(.init(key, .implicit, .plain)), try set(nil, path.dropFirst(), to: value, walked: here)))
      return .mapping(.init(pairs, mapping.tag, mapping.style, mapping.mark))
    case .index(let index):
      guard case .sequence(var sequence)? = node else {
        throw PathError(path: walked, expected: "a sequence (to index [\(index)])", found: node.map(FoundText.of) ?? "nothing")
      }
      if index < sequence.count {
        sequence[index] = try set(sequence[index], path.dropFirst(), to: value, walked: here)
        return .sequence(sequence)
      }
      guard index == sequence.count else {
        throw PathError(path: here, expected: "an index in [0, \(sequence.count)] (\(sequence.count) appends)",
                        found: "\(index)")
      }
      var nodes = Array(sequence)
      nodes.append(try set(nil, path.dropFirst(), to: value, walked: here))
      return .sequence(.init(nodes, sequence.tag, sequence.style, sequence.mark))
    }
  }
}
