import Testing
import Scenario
import SimCore

@Suite("--set overrides")
struct ScenarioOverridesTests {
  let base = document(spec: "  run:\n    duration: 1m\n    seed: 3")

  @Test("an override replaces a value and inserts a missing one, with YAML typing")
  func replaceAndInsert() throws {
    let file = try ScenarioLoader<NoSections>().load(yaml: base, file: "lab.yaml",
                                         overrides: ["spec.run.seed=7", "spec.run.warmup=10s", "metadata.description=fast"])
    #expect(file.run.seed == 7)
    #expect(file.run.warmup == .seconds(10))
    #expect(file.run.duration == .minutes(1))
    #expect(file.description == "fast")
  }

  @Test("later assignments win, and a value may be a flow mapping")
  func laterWinsAndFlowValues() throws {
    let file = try sectionLoader.load(yaml: base, file: "lab.yaml", overrides: [
      "spec.run.seed=7", "spec.run.seed=8",
      "spec.extensionServers=[{name: a, serviceTime: 5ms}]",
      "spec.extensionServers[0].replicas=3",
      "spec.extensionServers[0].serviceTime={exponential: {mean: 20ms}}",
      "spec.extensionServers[1]={name: b, serviceTime: 1s}",
    ])
    #expect(file.run.seed == 8)
    #expect(file.sections.servers?.servers == [
      .init(name: "a", replicas: 3, workers: 1, serviceTime: .exponential(mean: .milliseconds(20))),
      .init(name: "b", replicas: 1, workers: 1, serviceTime: .constant(.seconds(1))),
    ])
  }

  @Test("an overridden value is validated like file content and named by its assignment")
  func validatedLikeFileContent() {
    #expect(problems(base, overrides: ["spec.run.sed=7"]) == [
      "--set spec.run.sed=7: spec.run.sed: expected a key of spec.run (did you mean \"seed\"?), found \"sed\"",
    ])
    #expect(problems(base, overrides: ["spec.run.seed=\"7\""]) == [
      "--set spec.run.seed=\"7\": spec.run.seed: expected an integer in [0, 4294967295], found \"7\"",
    ])
    #expect(problems(base, overrides: ["spec.run.replications="]) == [
      "--set spec.run.replications=: spec.run.replications: expected an integer in [1, 1024], found nothing",
    ])
  }

  @Test("bad assignments and paths give exact errors", arguments: [
    ("spec.run.seed", "--set spec.run.seed: expected key.path=value, such as spec.run.seed=7 or spec.extensionServers[0].replicas=3, found \"spec.run.seed\""),
    ("spec..seed=1", "--set spec..seed=1: expected key.path=value, such as spec.run.seed=7 or spec.extensionServers[0].replicas=3, found \"spec..seed=1\""),
    ("spec.run[x]=1", "--set spec.run[x]=1: expected key.path=value, such as spec.run.seed=7 or spec.extensionServers[0].replicas=3, found \"spec.run[x]=1\""),
    ("spec.run.seed.x=1", "--set spec.run.seed.x=1: spec.run.seed: expected a mapping (to hold \"x\"), found 3"),
    ("spec.run[0]=1", "--set spec.run[0]=1: spec.run: expected a sequence (to index [0]), found a mapping"),
    ("spec.run.seed=[1", "--set spec.run.seed=[1: spec.run.seed: expected a YAML value, found \"[1\""),
  ])
  func badAssignments(assignment: String, expected: String) {
    #expect(problems(base, overrides: [assignment]) == [expected])
  }

  @Test("a path of more than 64 segments is rejected before it is walked")
  func overlongPath() {
    let path = Array(repeating: "a", count: 100_000).joined(separator: ".")
    let found = "\"" + String(path.prefix(60)) + "…\""
    #expect(problems(base, overrides: [path + "=1"]) == [
      "--set \(path)=1: expected key.path=value, such as spec.run.seed=7 or spec.extensionServers[0].replicas=3, found \(found)",
    ])
  }

  @Test("an index beyond the end of a sequence says which indices exist")
  func indexOutOfRange() {
    let yaml = document(spec: "  run: {duration: 1m}\n  extensionServers: [{name: a, serviceTime: 1ms}]")
    #expect(problems(yaml, overrides: ["spec.extensionServers[3].replicas=3"], loader: sectionLoader) == [
      "--set spec.extensionServers[3].replicas=3: spec.extensionServers[3]: expected an index in [0, 1] (1 appends), found 3",
    ])
  }

  @Test("a mapping created by an override is checked too, and file errors keep their positions")
  func createdMappingAndFileErrors() {
    let yaml = document(spec: "  run: {duration: 1m, replications: 0}")
    #expect(problems(yaml, overrides: ["spec.extensionServers[0].name=x"], loader: sectionLoader) == [
      "--set spec.extensionServers[0].name=x: spec.extensionServers: expected a sequence (to index [0]), found nothing",
      "lab.yaml:6:37: spec.run.replications: expected an integer in [1, 1024], found 0",
    ])
    #expect(problems(base, overrides: ["spec.probe.other=1"], loader: sectionLoader) == [
      "--set spec.probe.other=1: spec.probe.other: expected a key of spec.probe (one of value), found \"other\"",
      "--set spec.probe.other=1: spec.probe: expected key \"value\", found nothing",
    ])
  }
}
