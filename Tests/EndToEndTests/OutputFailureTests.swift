import Foundation
import Testing

/// Results that cannot be written stop the run before it simulates, with exit 73 and the
/// previous results (or the file in their place) untouched (issue 13, item 4).
@Suite("aggsim end to end: output failures")
struct OutputFailureTests {
  @Test("a regular file where the results go: exit 73 before the run, the file untouched")
  func fileInPlace() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    try Data("keep\n".utf8).write(to: URL(fileURLWithPath: "\(out)/quickstart"))
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--out", out, "--replications", "1"])
    #expect(run.status == 73)
    #expect(run.stderr == "aggsim: '\(out)/quickstart' exists and is not a directory: aggsim writes a directory there and "
              + "does not replace other files; move it away or choose another --out\n")
    #expect(!run.stdout.contains("events"), "the simulation ran: \(run.stdout)")
    #expect(try String(contentsOfFile: "\(out)/quickstart", encoding: .utf8) == "keep\n")
  }

  @Test("an --out under a regular file: run and compare exit 73 naming the path and the system error, nothing simulated")
  func outUnderAFile() throws {
    let dir = try AggsimBinaryTests.temporaryDirectory()
    try Data().write(to: URL(fileURLWithPath: "\(dir)/file"))
    for command in [["run", "Scenarios/quickstart.yaml"], ["compare", "Scenarios/quickstart.yaml", "--set-b", "spec.run.duration=2m"]] {
      let run = try AggsimBinaryTests.aggsim(command + ["--out", "\(dir)/file/out", "--replications", "1"])
      #expect(run.status == 73)
      #expect(run.stderr == "aggsim: cannot inspect '\(dir)/file/out': Not a directory (errno 20)\n", "\(run.stderr)")
      #expect(!run.stdout.contains("events") && !run.stdout.contains("verdict"), "\(run.stdout)")
    }
  }
}
