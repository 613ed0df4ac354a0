import Foundation
import Testing

/// `aggsim report` on the output directory of a run.
@Suite("aggsim report end to end")
struct ReportCommandTests {
  @Test("report prints a Markdown report of a run: its metadata line, the request and namespace tables, and the first replication's events")
  func reportOfARun() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/namespace-stuck-terminating.yaml", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let report = try AggsimBinaryTests.aggsim(["report", "\(out)/namespace-stuck-terminating"])
    #expect(report.status == 0, "\(report.stderr)")
    let text = report.stdout
    #expect(text.hasPrefix("# namespace-stuck-terminating: aggsim report\n\n3 replications, seed 1, "))
    #expect(text.contains("\n### Requests\n"))
    // The namespaces of this scenario (figures in its header): 44 deleted and finalized, the
    // longest 1,227.377 s (4 significant digits), none left.
    #expect(text.contains("| namespace_controller/namespaces | 44 | 44 | 300.5 | 1227 | 0 | 0 |"))
    #expect(text.contains("| 570.000 | fault_begins | metrics-server/0 | crash (scheduled) |"))
    // --out writes the same text to a file.
    let file = "\(out)/report.md"
    let written = try AggsimBinaryTests.aggsim(["report", "\(out)/namespace-stuck-terminating", "--out", file])
    #expect(written.status == 0)
    #expect(try AggsimBinaryTests.read(file) == text)
  }

  @Test("a directory without a run, or with a broken summary.csv, is refused with the path and exit 65")
  func badDirectories() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let empty = try AggsimBinaryTests.aggsim(["report", out])
    #expect(empty.status == 65)
    #expect(empty.stderr.contains("aggsim report: no \(out)/summary.csv: expected the output directory of a run"))
    try "sweep_point,replication\n0\n".write(toFile: "\(out)/summary.csv", atomically: true, encoding: .utf8)
    let broken = try AggsimBinaryTests.aggsim(["report", out])
    #expect(broken.status == 65)
    #expect(broken.stderr.contains("\(out)/summary.csv: line 2: 1 fields, the header has 2"))
  }
}
