internal import Yams
internal import Foundation

/// Reads scenario files: checks the raw bytes, composes the YAML with source positions,
/// applies `--set` overrides, reads the top level and `spec.run`, and hands every other key of
/// `spec` to its section type in `Sections` (`ScenarioSections.fields`; any other key is an
/// error with a did-you-mean). Every problem of the file is collected and thrown together as
/// `ScenarioErrors`; no input traps.
///
/// ```yaml
/// apiVersion: aggsim.io/v1alpha1    # the only supported version
/// kind: Scenario
/// metadata:
///   name: lab                       # a DNS-1123 label
///   description: one slow backend   # optional
/// spec:
///   run: {duration: 10m}            # see RunControl
///   extensionServers: …             # one key per section of `Sections`
/// ```
public struct ScenarioLoader<Sections: ScenarioSections>: Sendable {
  /// The only `apiVersion` this release reads.
  public static var apiVersion: String { "aggsim.io/v1alpha1" }
  /// A tree may hold at most this many values once aliases are expanded.
  static var maximumNodes: Int { 1_000_000 }
  /// Nesting limit of the composed tree (aliases expanded); the text is limited to 64 first.
  static var maximumTreeDepth: Int { 128 }

  /// A loader for the sections of `Sections` (`ScenarioLoader<NoSections>`: only `spec.run`).
  public init() {}

  /// The sections, in the order they are read: by key.
  static var fields: [SectionField<Sections>] { Sections.fields.sorted { $0.key < $1.key } }

  /// The keys allowed under `spec`: `run` and each section's, sorted.
  public var specKeys: [String] { ["run"] + Self.fields.map(\.key) }

  /// Reads the file at `path`; problems name it as given.
  public func load(path: String, overrides: [String] = []) throws(ScenarioErrors) -> ScenarioFile<Sections> {
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
    if let size, size > InputGuard.maximumBytes {
      throw ScenarioErrors([ScenarioError(file: path, line: 1, column: 1, keyPath: "",
                                          expected: "a file of at most 16 MiB", found: "\(size) bytes")])
    }
    guard let bytes = InputGuard.read(path: path) else {
      throw ScenarioErrors([ScenarioError(file: path, line: 0, column: 0, keyPath: "",
                                          expected: "a readable file", found: "none")])
    }
    return try load(bytes: bytes, file: path, overrides: overrides)
  }

  /// Reads YAML text; problems name `file`.
  public func load(yaml: String, file: String, overrides: [String] = []) throws(ScenarioErrors) -> ScenarioFile<Sections> {
    try load(bytes: Array(yaml.utf8), file: file, overrides: overrides)
  }

  /// Reads the bytes of a file; problems name `file`.
  public func load(bytes: [UInt8], file: String, overrides: [String] = []) throws(ScenarioErrors) -> ScenarioFile<Sections> {
    try loaded(bytes: bytes, file: file, overrides: overrides).scenario
  }

  /// The scenario read from `bytes` with `overrides`, and its document with the overrides applied.
  func loaded(bytes: [UInt8], file: String, overrides: [String]) throws(ScenarioErrors) -> (scenario: ScenarioFile<Sections>, document: Node) {
    let sink = DiagnosticSink(file: file)
    func fail(_ line: Int, _ column: Int, _ expected: String, _ found: String) -> ScenarioErrors {
      sink.add(ScenarioError(file: file, line: line, column: column, keyPath: "", expected: expected, found: found))
      return sink.result
    }
    let text: String
    switch InputGuard.check(bytes) {
    case .failure(let p): throw fail(p.line, p.column, p.expected, p.found)
    case .success(let t): text = t
    }
    let composed: Node?
    do {
      composed = try Yams.compose(yaml: text)
    } catch let error as YamlError {
      let (line, column, found) = Self.describe(error, bytes: bytes)
      throw fail(line, column, "valid YAML", found)
    } catch {
      throw fail(1, 1, "valid YAML", "\(error)")
    }
    guard var root = composed else {
      let blank = bytes.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
      throw fail(1, 1, "a Scenario document", blank ? "an empty file" : "only comments")
    }
    if let (mark, expected) = Self.treeProblem(root) {
      throw fail(mark?.line ?? 1, mark?.column ?? 1, expected, "more")
    }
    root = ScenarioOverrides.apply(overrides, to: root, sink: sink)
    if let (_, expected) = Self.treeProblem(root) {
      sink.add(ScenarioError(file: "--set", line: 0, column: 0, keyPath: "", expected: "the file with its overrides to hold " + expected,
                             found: "more"))
      throw sink.result
    }
    let scenario = read(NodeReader(node: root, keyPath: "", sink: sink))
    guard sink.errors.isEmpty, let scenario else { throw sink.result }
    return (scenario, root)
  }

  func read(_ document: NodeReader) -> ScenarioFile<Sections>? {
    guard case .mapping = document.node else {
      document.report(expected: "a Scenario document (a mapping with apiVersion, kind, metadata and spec)")
      return nil
    }
    guard let top = document.mapping(ScenarioSchema.document) else { return nil }
    if let node = top.required("apiVersion"), node.scalarKind != .string(Self.apiVersion) {
      node.report(expected: "\(Self.apiVersion) (the only supported apiVersion)")
    }
    if let node = top.required("kind"), node.scalarKind != .string("Scenario") {
      node.report(expected: "Scenario")
    }
    var name: String?, description: String??
    if let metadata = top.required("metadata")?.mapping(ScenarioSchema.metadata) {
      name = metadata.required("name").flatMap(Self.dnsLabel)
      description = metadata.read("description", default: nil) { $0.string() }
    }
    guard let spec = top.required("spec")?.mapping(knownKeys: specKeys) else { return nil }
    let run = spec.required("run").flatMap(RunControl.read)
    var sections = Sections()
    var failed: Set<String> = []
    for field in Self.fields {
      if let node = spec.optional(field.key), !field.read(node, &sections) { failed.insert(field.key) }
    }
    let checked = SectionsRead(sections: sections, failed: failed, run: run)
    for error in Sections.check(checked) { document.sink.add(error) }
    guard let name, let description, let run else { return nil }
    var file = ScenarioFile(name: name, description: description, run: run, sections: sections)
    file.warnings = Sections.warnings(checked)
    return file
  }

  /// A DNS-1123 label: 1–63 of `a-z`, `0-9`, `-`, starting and ending with a letter or digit.
  static func dnsLabel(_ node: NodeReader) -> String? {
    let expected = "a DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending with a letter or digit)"
    guard let text = node.scalarText else { node.report(expected: expected); return nil }
    let bytes = Array(text.utf8)
    let allowed = { (b: UInt8) in b.isDecimalDigit || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) }
    guard (1...63).contains(bytes.count), allowed(bytes[0]), allowed(bytes[bytes.count - 1]),
          bytes.allSatisfy({ allowed($0) || $0 == UInt8(ascii: "-") }) else {
      node.report(expected: expected)
      return nil
    }
    return text
  }

  /// Line, column and the `found` text of a Yams error.
  static func describe(_ error: YamlError, bytes: [UInt8]) -> (Int, Int, String) {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
         .composer(let context, let problem, let mark, _):
      let context = context.map { "\($0.text), " } ?? ""
      return (mark.line, mark.column, "a syntax error (\(context)\(problem))")
    case .reader(let problem, let offset, _, _):
      let (line, column) = InputGuard.position(of: min(max(offset ?? 0, 0), bytes.count), in: bytes)
      return (line, column, "a syntax error (\(problem))")
    case .duplicatedKeysInMapping(let duplicates, let context):
      let keys = duplicates.map { FoundText.quoted($0) }.joined(separator: ", ")
      return (context.mark.line, context.mark.column, "\(keys) more than once in one mapping")
    default:
      return (1, 1, "\(error)")
    }
  }

  /// The first place where the tree, aliases expanded, is too large or too deep.
  static func treeProblem(_ root: Node) -> (Mark?, String)? {
    var stack: [(Node, Int)] = [(root, 1)]
    var count = 0
    while let (node, depth) = stack.popLast() {
      count += 1
      if count > maximumNodes { return (root.mark, "at most \(maximumNodes) values (aliases expanded)") }
      if depth > maximumTreeDepth { return (node.mark, "nesting at most \(maximumTreeDepth) levels deep (aliases expanded)") }
      switch node {
      case .mapping(let m): for (k, v) in m { stack.append((k, depth + 1)); stack.append((v, depth + 1)) }
      case .sequence(let s): for e in s { stack.append((e, depth + 1)) }
      case .scalar, .alias: break
      }
    }
    return nil
  }
}
