import Foundation
import Testing

/// `aggsim schema` (issue 12 item 5): its output is the checked-in Scenarios/aggsim.schema.json,
/// and a real JSON Schema validator (Python's `jsonschema`, draft-07; `make test` installs it)
/// accepts every scenario and rejects broken ones: an unknown key, a wrong type, a bad duration.
@Suite("aggsim schema")
struct SchemaCommandTests {
  static let hasValidator: Bool = {
    (try? python(["-c", "import jsonschema, yaml"]).status) == 0
  }()

  static func python(_ arguments: [String]) throws -> AggsimBinaryTests.Outcome {
    try AggsimBinaryTests.launch(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments, in: AggsimBinaryTests.packageRoot)
  }

  @Test("aggsim schema prints Scenarios/aggsim.schema.json; --format markdown prints the key reference of Scenarios/README.md")
  func printsTheCheckedInFiles() throws {
    let json = try AggsimBinaryTests.aggsim(["schema"])
    #expect(json.status == 0)
    #expect(json.stdout == (try AggsimBinaryTests.read("Scenarios/aggsim.schema.json")))
    let markdown = try AggsimBinaryTests.aggsim(["schema", "--format", "markdown"])
    #expect(markdown.status == 0)
    #expect((try AggsimBinaryTests.read("Scenarios/README.md")).hasSuffix(markdown.stdout))
    #expect(markdown.stdout.hasPrefix("## Every key"))
    let bad = try AggsimBinaryTests.aggsim(["schema", "--format", "yaml"])
    #expect(bad.status == 64)
  }

  @Test("aggsim explain prints the effective scenario with origins; an invalid scenario exits 65 with its errors")
  func explain() throws {
    let out = try AggsimBinaryTests.aggsim(["explain", "Scenarios/quickstart.yaml", "--set", "spec.run.seed=7"])
    #expect(out.status == 0, "\(out.stderr)")
    let lines = out.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first == "apiVersion: aggsim.io/v1alpha1  # Scenarios/quickstart.yaml:8")
    #expect(lines.contains("    seed: 7  # --set"))
    #expect(lines.contains("    requestTimeout: 60s  # default"))
    #expect(lines.contains { $0.hasPrefix("      discoveryTimeout: 5s  # Kubernetes 1.36 default (research §3.3;") })
    let bad = try AggsimBinaryTests.aggsim(["explain", AggsimBinaryTests.fixture("bad.yaml")])
    #expect(bad.status == 65)
    #expect(bad.stderr.contains("spec.run.replications: expected an integer in [1, 1024], found 0"))
  }

  /// Validates each file (or, for `name=<yaml>`, the inline document) and prints `name: ok` or
  /// `name: <key path>: <message>` for its first error.
  static let validator = """
    import json, sys, yaml, jsonschema
    schema = json.load(open("Scenarios/aggsim.schema.json"))
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    for arg in sys.argv[1:]:
        name, _, inline = arg.partition("=")
        document = yaml.safe_load(inline if inline else open(name))
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        print(name + ": " + ("ok" if not errors else ".".join(map(str, errors[0].absolute_path)) + ": " + errors[0].message))
    """

  static func broken(_ run: String) -> String {
    "apiVersion: aggsim.io/v1alpha1\nkind: Scenario\nmetadata: {name: broken}\nspec:\n  run: \(run)\n"
  }

  @Test("a JSON Schema validator accepts every scenario of Scenarios/ and the fixtures, and rejects an unknown key, a wrong type and a bad duration",
        .enabled(if: hasValidator, "python3 lacks jsonschema or yaml (make test installs them into Tests/.venv)"))
  func validatesScenarios() throws {
    let scenarios = try FileManager.default.contentsOfDirectory(atPath: AggsimBinaryTests.packageRoot.appendingPathComponent("Scenarios").path)
      .filter { $0.hasSuffix(".yaml") }.sorted().map { "Scenarios/\($0)" }
    #expect(scenarios.count == 19)
    let fixtures = ["Tests/ScenarioTests/Fixtures/every-form.yaml", "Tests/ScenarioTests/Fixtures/apiservices-list.yaml"]
    let brokenDocuments = ["unknown-key=" + Self.broken("{duration: 1m, replicatons: 2}"),
                           "wrong-type=" + Self.broken("{duration: 1m, replications: many}"),
                           "bad-duration=" + Self.broken("{duration: 5}"),
                           "bad-unit=" + Self.broken("{duration: 5 minutes}")]
    let result = try Self.python(["-c", Self.validator] + scenarios + fixtures + brokenDocuments)
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines == (scenarios + fixtures).map { "\($0): ok" } + [
      "unknown-key: spec.run: Additional properties are not allowed ('replicatons' was unexpected)",
      "wrong-type: spec.run.replications: 'many' is not of type 'integer'",
      "bad-duration: spec.run.duration: 5 is not of type 'string'",
      "bad-unit: spec.run.duration: '5 minutes' does not match '\(Self.durationPatternAsPython)'",
    ])
    // aggsim's own reader rejects the same documents.
    for document in brokenDocuments {
      let dir = try AggsimBinaryTests.temporaryDirectory()
      let file = "\(dir)/broken.yaml"
      try String(document.split(separator: "=", maxSplits: 1)[1]).write(toFile: file, atomically: true, encoding: .utf8)
      #expect(try AggsimBinaryTests.aggsim(["validate", file]).status == 65)
    }
  }

  /// The duration pattern as Python's repr prints it in a message.
  static let durationPatternAsPython = "^\\\\s*(([0-9]+\\\\.?[0-9]*|\\\\.[0-9]+)(min|ns|us|µs|ms|h|m|s))+\\\\s*$"
}
