import Foundation
import Testing
import Scenario
import SimCore
import AggregationModel

@Suite("ScenarioLoader: top level and spec.run")
struct ScenarioLoaderTests {
  @Test("a file with only a name and a duration gets the documented defaults")
  func minimalFileDefaults() throws {
    let url = try #require(Bundle.module.url(forResource: "minimal", withExtension: "yaml", subdirectory: "Fixtures"))
    let file = try ScenarioLoader<NoSections>().load(path: url.path)
    #expect(file.name == "minimal")
    #expect(file.description == nil)
    #expect(file.run == RunControl(duration: .minutes(10), warmup: .zero, replications: 10, seed: 1,
                                   kubernetesVersion: .latest, timeBucket: .seconds(10)))
  }

  @Test("every run-control key is read into its typed value")
  func runControlValues() throws {
    let yaml = document(spec: """
        run:
          duration: 1h
          warmup: 90s
          replications: 1024
          seed: 4294967295
          kubernetesVersion: v1.29.3
          timeBucket: 250ms
      """)
    let file = try ScenarioLoader<NoSections>().load(yaml: yaml, file: "lab.yaml")
    #expect(file.run == RunControl(duration: .hours(1), warmup: .seconds(90), replications: 1024, seed: .max,
                                   kubernetesVersion: KubernetesVersion(major: 1, minor: 29, patch: 3),
                                   timeBucket: .milliseconds(250)))
  }

  @Test("a description is kept")
  func description() throws {
    let yaml = "apiVersion: aggsim.io/v1alpha1\nkind: Scenario\nmetadata: {name: a-1, description: \"one slow backend\"}\nspec: {run: {duration: 1s}}\n"
    let file = try ScenarioLoader<NoSections>().load(yaml: yaml, file: "lab.yaml")
    #expect(file.name == "a-1")
    #expect(file.description == "one slow backend")
  }

  @Test("six mistakes in one file are all reported at once, in line order")
  func sixMistakesAtOnce() {
    let yaml = """
      apiVersion: aggsim.io/v1
      kind: Scenario
      metadata:
        name: Lab_1
      spec:
        run:
          duration: 5
          replications: 0
          sed: 7
          kubernetesVersion: 2.1
      """
    #expect(problems(yaml) == [
      "lab.yaml:1:13: apiVersion: expected aggsim.io/v1alpha1 (the only supported apiVersion), found \"aggsim.io/v1\"",
      "lab.yaml:4:9: metadata.name: expected a DNS-1123 label (at most 63 of a-z, 0-9 and '-', starting and ending with a letter or digit), found \"Lab_1\"",
      "lab.yaml:7:15: spec.run.duration: expected a duration with a unit (ns, us, ms, s, m, h), e.g. 250ms or 1m30s, found 5",
      "lab.yaml:8:19: spec.run.replications: expected an integer in [1, 1024], found 0",
      "lab.yaml:9:5: spec.run.sed: expected a key of spec.run (did you mean \"seed\"?), found \"sed\"",
      "lab.yaml:10:24: spec.run.kubernetesVersion: expected a Kubernetes version such as 1.35 or v1.35.2, found 2.1",
    ])
  }

  @Test("an unknown key without a close match lists the known keys")
  func unknownKeyListsKnown() {
    #expect(problems(document(spec: "  run: {duration: 1m, colour: red}")) == [
      "lab.yaml:6:23: spec.run.colour: expected a key of spec.run (one of duration, warmup, replications, seed, kubernetesVersion, timeBucket), found \"colour\"",
    ])
  }

  @Test("an unknown top-level key is matched against the top-level keys")
  func unknownTopLevelKey() {
    let yaml = document(spec: "  run: {duration: 1m}") + "\nmetdata: {}"
    #expect(problems(yaml) == [
      "lab.yaml:7:1: metdata: expected a key of the document (did you mean \"metadata\"?), found \"metdata\"",
    ])
  }

  @Test("a missing duration is reported at spec.run")
  func missingDuration() {
    #expect(problems(document(spec: "  run:\n    seed: 3")) == [
      "lab.yaml:7:5: spec.run: expected key \"duration\", found nothing",
    ])
  }

  @Test("warmup must be shorter than duration", arguments: ["1m", "2m"])
  func warmupBeforeDuration(warmup: String) {
    #expect(problems(document(spec: "  run: {duration: 1m, warmup: \(warmup)}")) == [
      "lab.yaml:6:31: spec.run.warmup: expected a duration shorter than spec.run.duration (1m), found \"\(warmup)\"",
    ])
  }

  @Test("a warmup 1ns shorter than the duration is accepted")
  func warmupJustBelowDuration() throws {
    let file = try ScenarioLoader<NoSections>().load(yaml: document(spec: "  run: {duration: 1s, warmup: 999999999ns}"), file: "f")
    #expect(file.run.warmup == .nanoseconds(999_999_999))
  }

  @Test("a wrong apiVersion names the supported one; kind must be Scenario")
  func wrongApiVersionAndKind() {
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {run: {duration: 1s}}"
    #expect(problems(yaml) == [
      "lab.yaml:1:13: apiVersion: expected aggsim.io/v1alpha1 (the only supported apiVersion), found \"v1\"",
      "lab.yaml:2:7: kind: expected Scenario, found \"Pod\"",
    ])
  }

  @Test("missing top-level keys are each reported at the document")
  func missingTopLevelKeys() {
    #expect(problems("kind: Scenario\n") == [
      "lab.yaml:1:1: expected key \"apiVersion\", found nothing",
      "lab.yaml:1:1: expected key \"metadata\", found nothing",
      "lab.yaml:1:1: expected key \"spec\", found nothing",
    ])
  }

  @Test("run-control ranges: seed beyond UInt32, zero duration and time bucket, quoted integer")
  func runControlRanges() {
    let yaml = document(spec: """
        run:
          duration: 0s
          seed: 4294967296
          timeBucket: 0ms
          replications: "5"
      """)
    #expect(problems(yaml) == [
      "lab.yaml:7:15: spec.run.duration: expected a duration > 0s, found \"0s\"",
      "lab.yaml:8:11: spec.run.seed: expected an integer in [0, 4294967295], found 4294967296",
      "lab.yaml:9:17: spec.run.timeBucket: expected a period of at least 1ms (a real cluster's fastest loop, client-go's workqueue backoff, starts at 5ms), found \"0ms\"",
      "lab.yaml:10:19: spec.run.replications: expected an integer in [1, 1024], found \"5\"",
    ])
  }

  @Test("an unreadable file is reported without a position")
  func unreadableFile() {
    #expect(throws: ScenarioErrors([ScenarioError(file: "/nonexistent/x.yaml", line: 0, column: 0, keyPath: "",
                                                  expected: "a readable file", found: "none")])) {
      try ScenarioLoader<NoSections>().load(path: "/nonexistent/x.yaml")
    }
  }
}
