import Testing
import Scenario
import SimCore

/// A section that reads one value of every kind the reader offers, for tests.
struct Probe: ScenarioSection {
  static let key = "probe"
  var value: String

  init?(reading node: NodeReader) {
    guard let m = node.mapping(knownKeys: ["value"]), let v = m.required("value") else { return nil }
    value = v.found
  }
}

/// A section with typed fields, as a later model section would be written.
struct Servers: ScenarioSection {
  static let key = "extensionServers"
  struct Server: Hashable { var name: String; var replicas: Int; var workers: Int; var serviceTime: Distribution }
  var servers: [Server]

  init?(reading node: NodeReader) {
    guard let list = node.array({ element -> Server? in
      guard let m = element.mapping(knownKeys: ["name", "replicas", "workers", "serviceTime"]) else { return nil }
      let name = m.required("name")?.string()
      let replicas = m.read("replicas", default: 1) { $0.integer(in: 1...1000) }
      let workers = m.read("workers", default: 1) { $0.integer(in: 1...Int.max) }
      let serviceTime = m.required("serviceTime")?.distribution()
      guard let name, let replicas, let workers, let serviceTime else { return nil }
      return Server(name: name, replicas: replicas, workers: workers, serviceTime: serviceTime)
    }) else { return nil }
    servers = list
  }
}

/// A `spec` with the `Probe` and `Servers` sections.
struct TestSections: ScenarioSections {
  var probe: Probe?
  var servers: Servers?
  static var fields: [SectionField<Self>] { [.section(\.probe), .section(\.servers)] }
}

let sectionLoader = ScenarioLoader<TestSections>()

@Suite("Typed spec sections")
struct ScenarioSectionTests {
  @Test("a section present in the file is read into its property, one left out stays nil")
  func registeredSectionIsRead() throws {
    let yaml = document(spec: """
        run: {duration: 1m}
        extensionServers:
          - name: metrics
            replicas: 2
            serviceTime: {exponential: {mean: 20ms}}
      """)
    let file = try sectionLoader.load(yaml: yaml, file: "lab.yaml")
    #expect(file.sections.servers?.servers == [
      .init(name: "metrics", replicas: 2, workers: 1, serviceTime: .exponential(mean: .milliseconds(20))),
    ])
    #expect(file.sections.probe == nil)
  }

  @Test("an unknown spec key is matched against the sections' keys")
  func unknownSpecKey() {
    let yaml = document(spec: "  run: {duration: 1m}\n  extensionServer: []")
    #expect(problems(yaml, loader: sectionLoader) == [
      "lab.yaml:7:3: spec.extensionServer: expected a key of spec (did you mean \"extensionServers\"?), found \"extensionServer\"",
    ])
    #expect(problems(yaml) == [
      "lab.yaml:7:3: spec.extensionServer: expected a key of spec (one of run), found \"extensionServer\"",
    ])
  }

  @Test("a section's errors carry its key path and the run's errors come with them")
  func sectionErrors() {
    let yaml = document(spec: """
        run: {duration: 1m, replications: 2000}
        extensionServers:
          - name: metrics
            wokers: 0
            serviceTime: {lognormal: {mu: -3.9, sigma: -1}}
      """)
    #expect(problems(yaml, loader: sectionLoader) == [
      "lab.yaml:6:37: spec.run.replications: expected an integer in [1, 1024], found 2000",
      "lab.yaml:9:7: spec.extensionServers[0].wokers: expected a key of spec.extensionServers[0] (did you mean \"workers\"?), found \"wokers\"",
      "lab.yaml:10:50: spec.extensionServers[0].serviceTime.lognormal.sigma: expected a number > 0, found -1",
    ])
  }
}
