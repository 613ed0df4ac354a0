import Testing
import Scenario

func byteProblems(_ bytes: [UInt8]) -> [String] {
  do {
    _ = try ScenarioLoader<NoSections>().load(bytes: bytes, file: "lab.yaml")
    return ["loaded"]
  } catch {
    return error.errors.map(\.description)
  }
}

@Suite("No input traps: every bad file is an error")
struct RobustnessTests {
  @Test("an empty file, blank lines and a file of comments")
  func emptyAndComments() {
    #expect(problems("") == ["lab.yaml:1:1: expected a Scenario document, found an empty file"])
    #expect(problems("\n  \n") == ["lab.yaml:1:1: expected a Scenario document, found an empty file"])
    #expect(problems("# nothing\n# here\n") == ["lab.yaml:1:1: expected a Scenario document, found only comments"])
  }

  @Test("a YAML syntax error reports Yams' line, column and problem")
  func syntaxError() {
    #expect(problems("apiVersion: a\nkind: b: c\n") == [
      "lab.yaml:2:8: expected valid YAML, found a syntax error (mapping values are not allowed in this context)",
    ])
    #expect(problems("spec: [1, 2\n") == [
      "lab.yaml:2:1: expected valid YAML, found a syntax error (while parsing a flow sequence, did not find expected ',' or ']')",
    ])
  }

  @Test("invalid UTF-8 is reported at the first bad byte")
  func invalidUTF8() {
    #expect(byteProblems(Array("kind: a\nname: ".utf8) + [0xC3, 0x28]) == [
      "lab.yaml:2:7: expected UTF-8 text, found the byte 0xC3",
    ])
  }

  @Test("binary garbage that is valid UTF-8 is a YAML error")
  func binaryGarbage() {
    let garbage: [UInt8] = [0x00, 0x01, 0x02, 0x7F, 0x1B, 0x5B, 0x41]
    #expect(byteProblems(garbage) == [
      "lab.yaml:1:1: expected valid YAML, found a syntax error (control characters are not allowed)",
    ])
  }

  @Test("a scalar or a sequence at the top level")
  func notAMappingAtTop() {
    let expected = "expected a Scenario document (a mapping with apiVersion, kind, metadata and spec)"
    #expect(problems("hello") == ["lab.yaml:1:1: \(expected), found \"hello\""])
    #expect(problems("- a\n- b") == ["lab.yaml:1:1: \(expected), found a sequence"])
  }

  @Test("100,000 nested [ are rejected before Yams composes them")
  func deepFlowNesting() {
    let yaml = "spec: " + String(repeating: "[", count: 100_000)
    #expect(problems(yaml) == ["lab.yaml:1:70: expected nesting at most 64 levels deep, found more than 64 levels"])
  }

  @Test("deep block nesting by indentation and by compact sequences is rejected")
  func deepBlockNesting() {
    let indented = (0..<70).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n")
    #expect(problems(indented) == ["lab.yaml:65:65: expected nesting at most 64 levels deep, found more than 64 levels"])
    let compact = String(repeating: "- ", count: 70) + "x"
    #expect(problems(compact) == ["lab.yaml:1:127: expected nesting at most 64 levels deep, found more than 64 levels"])
  }

  @Test("64 levels of flow nesting are accepted by the guard")
  func nestingAtTheLimit() {
    let yaml = document(spec: "  run: {duration: 1m}") + "\nx: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
    #expect(problems(yaml) == [
      "lab.yaml:7:1: x: expected a key of the document (one of apiVersion, kind, metadata, spec), found \"x\"",
    ])
  }

  @Test("an alias bomb is rejected by the value count")
  func aliasBomb() {
    var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in 1...7 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
    #expect(problems(lines.joined(separator: "\n")) == [
      "lab.yaml:1:1: expected at most 1000000 values (aliases expanded), found more",
    ])
  }

  @Test("a file over 16 MiB is rejected without being parsed")
  func hugeFile() {
    let bytes = [UInt8](repeating: UInt8(ascii: "#"), count: (16 << 20) + 1)
    #expect(byteProblems(bytes) == ["lab.yaml:1:1: expected a file of at most 16 MiB, found 16777217 bytes"])
  }

  @Test("huge numbers, NaN, infinity and negative durations are errors at their node")
  func badNumbers() {
    let yaml = document(spec: """
        run:
          duration: -5s
          replications: 99999999999999999999999
          seed: .nan
          warmup: 1e400
      """)
    #expect(problems(yaml) == [
      "lab.yaml:7:15: spec.run.duration: expected a non-negative duration, found \"-5s\"",
      "lab.yaml:8:19: spec.run.replications: expected an integer in [1, 1024], found 99999999999999999999999",
      "lab.yaml:9:11: spec.run.seed: expected an integer in [0, 4294967295], found .nan",
      "lab.yaml:10:13: spec.run.warmup: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found 1e400",
    ])
  }

  @Test("a finite number rejects NaN, infinity and 1e400", arguments: [".nan", ".inf", "-.inf", "1e400"])
  func nonFiniteNumbers(text: String) {
    #expect(distributionProblems("{lognormal: {mu: \(text), sigma: 1}}") == [
      "lab.yaml:8:35: spec.x.serviceTime.lognormal.mu: expected a finite number, found \(text)",
    ])
  }

  @Test("a duplicate key is an error")
  func duplicateKey() {
    let yaml = document(spec: "  run:\n    duration: 1m\n    seed: 1\n    seed: 2")
    #expect(problems(yaml) == [
      "lab.yaml:8:5: expected valid YAML, found \"seed\" more than once in one mapping",
    ])
  }

  @Test("a non-string key is reported")
  func nonStringKey() {
    let yaml = document(spec: "  run: {duration: 1m, 5: x}")
    #expect(problems(yaml) == ["lab.yaml:6:23: spec.run: expected a string key, found 5"])
  }

  @Test("control characters in found text are escaped and long text is cut")
  func foundTextIsEscaped() {
    let yaml = "apiVersion: \"a\\tb\\u0001\"\nkind: \"" + String(repeating: "k", count: 70) + "\"\nmetadata: {name: x}\nspec: {run: {duration: 1s}}"
    #expect(problems(yaml) == [
      "lab.yaml:1:13: apiVersion: expected aggsim.io/v1alpha1 (the only supported apiVersion), found \"a\\tb\\u{1}\"",
      "lab.yaml:2:7: kind: expected Scenario, found \"\(String(repeating: "k", count: 60))…\"",
    ])
  }

  @Test("two documents in one file are an error")
  func twoDocuments() {
    #expect(problems("a: 1\n---\nb: 2\n") == [
      "lab.yaml:2:1: expected valid YAML, found a syntax error (expected a single document in the stream, but found another document)",
    ])
  }
}
