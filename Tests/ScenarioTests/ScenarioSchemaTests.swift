import AggregationModel
import Foundation
import Scenario
import Testing

/// `ScenarioSchema` (issue 12 item 5): the readers and the schema agree, derived mechanically
/// from what the readers check, and the checked-in schema and key reference are the generator's.
@Suite("scenario schema")
struct ScenarioSchemaTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

  /// Every scenario of Scenarios/ and every valid fixture, including every-form.yaml, which
  /// writes each mapping form at least once.
  static var scenarioFiles: [String] {
    let scenarios = ((try? FileManager.default.contentsOfDirectory(atPath: path("Scenarios"))) ?? [])
      .filter { $0.hasSuffix(".yaml") }.sorted().map { "Scenarios/\($0)" }
    return scenarios + ["Tests/ScenarioTests/Fixtures/every-form.yaml", "Tests/ScenarioTests/Fixtures/apiservices-list.yaml",
                        "Tests/ScenarioTests/Fixtures/minimal.yaml"]
  }

  /// The key sets the readers checked, by key path, while reading every scenario file.
  static func recordedKeys() throws -> [String: Set<Set<String>>] {
    var recorded: [String: Set<Set<String>>] = [:]
    for file in scenarioFiles {
      let log = KeyUseLog()   // one per file: its key paths name one value each
      try KeyUseLog.$current.withValue(log) { _ = try ScenarioLoader.aggsim.load(path: path(file)) }
      recorded.merge(log.acceptedKeys) { $0.union($1) }
    }
    return recorded
  }

  @Test("every mapping the readers check has, at its key path, a declaration with exactly the keys the reader accepted")
  func readersMatchDeclarations() throws {
    let recorded = try Self.recordedKeys()
    #expect(recorded.count > 60)
    for (path, keySets) in recorded.sorted(by: { $0.key < $1.key }) {
      let declared = ScenarioSchema.mappings(atPath: path)
      for keys in keySets {
        #expect(declared.contains { Set($0.names) == keys },
                "\(path): the reader accepts \(keys.sorted()), the schema declares \(declared.map { $0.names })")
      }
    }
  }

  @Test("every declared mapping form is read by a reader that checks exactly its keys (every-form.yaml writes each)")
  func declarationsAreRead() throws {
    let recorded = try Self.recordedKeys()
    var read: Set<String> = []
    for (path, keySets) in recorded {
      for d in ScenarioSchema.mappings(atPath: path) where keySets.contains(Set(d.names)) { read.insert(d.id) }
    }
    // The ignored parts of an APIService (other metadata, status) are read key by key, not as a checked mapping.
    let open = Set(ScenarioSchema.allMappings.filter(\.open).map(\.id))
    let declared = Set(ScenarioSchema.allMappings.map(\.id)).subtracting(open)
    #expect(declared.subtracting(read).sorted() == [])
    #expect(ScenarioSchema.allMappings.count == 72)
    #expect(ScenarioSchema.allMappings.reduce(0) { $0 + $1.keys.count } == 302)
  }

  @Test("the spec keys of the loader are the declared sections")
  func sectionsAreDeclared() {
    let fields = Set(["run"] + ModelSections.fields.map(\.key))
    #expect(Set(ScenarioSchema.spec.names) == fields)
  }

  @Test("every version default that is a scenario key is declared at its key path as the Kubernetes version's default")
  func versionDefaultsAreDeclared() {
    let notes = [VersionDefaults.discoveryTimeout.key, VersionDefaults.discoveryMode.key, VersionDefaults.kubectlCacheTTL.key,
                 VersionDefaults.kubectlDiscoveryRateLimit.key, VersionDefaults.streamsPerConnection.key,
                 VersionDefaults.admission.key, VersionDefaults.readIdleTimeout.key, VersionDefaults.apfBorrowing.key,
                 VersionDefaults.openAPIV3.key]
    for key in notes {
      for path in Self.expanded("spec." + key) {
        let parent = String(path[..<path.lastIndex(of: ".")!])
        let name = String(path[path.index(after: path.lastIndex(of: ".")!)...])
        let declared = ScenarioSchema.mappings(atPath: parent).compactMap { $0.key(name) }
        #expect(!declared.isEmpty && declared.allSatisfy { $0.versionDefault?.key == key }, "\(path)")
      }
    }
    #expect(VersionDefaults.apfWorkEstimate.key.hasSuffix("(not a scenario key)"))
  }

  /// `a.{b,c}.d` → `a.b.d`, `a.c.d`.
  static func expanded(_ path: String) -> [String] {
    guard let open = path.firstIndex(of: "{"), let close = path.firstIndex(of: "}") else { return [path] }
    return path[path.index(after: open)..<close].split(separator: ",").flatMap {
      expanded(String(path[..<open]) + $0 + String(path[path.index(after: close)...]))
    }
  }

  @Test("Scenarios/aggsim.schema.json is the generator's JSON Schema")
  func checkedInSchema() throws {
    let file = try String(contentsOfFile: Self.path("Scenarios/aggsim.schema.json"), encoding: .utf8)
    #expect(file == JSONSchemaWriter.text(), "regenerate it: aggsim schema > Scenarios/aggsim.schema.json")
  }

  @Test("Scenarios/README.md ends with the generator's key reference")
  func checkedInReference() throws {
    let readme = try String(contentsOfFile: Self.path("Scenarios/README.md"), encoding: .utf8)
    let start = try #require(readme.range(of: SchemaReference.heading))
    #expect(String(readme[start.lowerBound...]) == SchemaReference.markdown(),
            "regenerate it: keep Scenarios/README.md up to its key reference, then aggsim schema --format markdown >> it")
  }

  @Test("every file of Scenarios/ names the checked-in schema on its first line, for yaml-language-server")
  func modelines() throws {
    for file in Self.scenarioFiles where file.hasPrefix("Scenarios/") {
      let text = try String(contentsOfFile: Self.path(file), encoding: .utf8)
      #expect(text.hasPrefix("# yaml-language-server: $schema=aggsim.schema.json\n"), "\(file)")
    }
  }

  @Test("a key path's forms are found through lists, alternatives and distributions")
  func pathWalk() {
    #expect(ScenarioSchema.mappings(atPath: "spec.clients[].workload.kubectl.invocations").map(\.id) == ["arrivals"])
    #expect(ScenarioSchema.mappings(atPath: "spec.extensionServers[].serviceTime").map(\.id) == ["distribution", "serviceTimes"])
    #expect(ScenarioSchema.mappings(atPath: "spec.links.clients.latency.mixture[].distribution").map(\.id) == ["distribution"])
    #expect(ScenarioSchema.mappings(atPath: "spec.controlPlane.admission.priorityAndFairness.levels[]").map(\.id) == ["priorityLevel"])
    #expect(ScenarioSchema.mappings(atPath: "spec.nothing").isEmpty)
  }
}
