import Foundation
import Testing

/// Command-line mistakes get a clear error and exit 64 (EX_USAGE), never a run or a wrong blame
/// (issue 13, item 6).
@Suite("aggsim end to end: command-line errors")
struct CommandLineErrorTests {
  @Test("aggsim help with an unknown command exits 64 and lists the commands")
  func helpUnknownCommand() throws {
    let help = try AggsimBinaryTests.aggsim(["help", "nope"])
    #expect(help.status == 64)
    #expect(help.stderr == "aggsim: no command 'nope'; commands: run, validate, explain, sweep, capacity, check, compare, merge, job, report, import, schema, selfcheck\n")
    #expect(try AggsimBinaryTests.aggsim(["help", "run"]).status == 0)
  }

  @Test("a negative number is read as the option's value and refused with the option's range", arguments: [
    (["run", "Scenarios/quickstart.yaml", "--seed", "-1"], "Error: The value '-1' is invalid for '--seed <seed>'"),
    (["run", "Scenarios/quickstart.yaml", "--replications", "-3"], "Error: --replications must be in 1…1024, found -3"),
    (["run", "Scenarios/quickstart.yaml", "--trace-sampling", "-0.5"], "Error: --trace-sampling must be in 0…1, found -0.5"),
  ])
  func negativeNumbers(arguments: [String], message: String) throws {
    let run = try AggsimBinaryTests.aggsim(arguments)
    #expect(run.status == 64)
    #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
  }

  @Test("capacity refuses a non-finite bound and, with --integer, a fractional or zero end, before any run", arguments: [
    (["--max", "nan"], "Error: --max must be a finite number, found nan"),
    (["--max", "1", "--low", "-inf"], "Error: --low must be a finite number, found -inf"),
    (["--max", "1", "--integer", "--low", "0.5"], "Error: with --integer, --low must be a whole number of at least 1, found 0.5"),
    (["--max", "1", "--integer", "--low", "0"], "Error: with --integer, --low must be a whole number of at least 1, found 0.0"),
  ])
  func capacityBounds(extra: [String], message: String) throws {
    var arguments = ["capacity", "Scenarios/quickstart.yaml", "--param", "spec.extensionServers[0].replicas", "--high", "4",
                     "--metric", "latency_p99_s"]
    if !extra.contains("--low") { arguments += ["--low", "1"] }
    let run = try AggsimBinaryTests.aggsim(arguments + extra)
    #expect(run.status == 64)
    #expect(run.stderr.hasPrefix(message), "\(run.stderr)")
  }

  @Test("an alias bomb in a --set value is blamed on that --set, not on the scenario file")
  func aliasBombInSet() throws {
    let levels = (1...6).map { level -> String in
      let name = Character(UnicodeScalar(UInt8(97 + level)))
      let previous = Character(UnicodeScalar(UInt8(96 + level)))
      return "&\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]"
    }
    let value = "[&a [x,x,x,x,x,x,x,x,x], " + levels.joined(separator: ", ") + "]"
    let run = try AggsimBinaryTests.aggsim(["validate", "Scenarios/quickstart.yaml", "--set", "spec.clients[0].name=\(value)"])
    #expect(run.status == 65)
    #expect(run.stderr == "--set spec.clients[0].name=\(value): spec.clients[0].name: expected a value of at most 1000000 values "
              + "(aliases expanded), found more\n", "\(run.stderr)")
  }

  @Test("compare of two scenarios with different clients warns which clients have no counterpart")
  func compareUnrelatedScenarios() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["compare", "Scenarios/quickstart.yaml", "Scenarios/discovery-storm.yaml",
                                            "--replications", "1", "--out", out])
    #expect(run.status == 0)
    #expect(run.stderr.contains("aggsim compare: warning: A and B do not have the same clients, so only 0 are compared (by name); "
                                  + "only in A: controller-a, controller-b, controller-c, hpa, kubectl; only in B: ci-kubectl, developer-kubectl"),
            "\(run.stderr)")
  }
}
