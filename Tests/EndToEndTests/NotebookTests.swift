import Foundation
import Testing

/// `notebooks-out/analysis.ipynb` (issue 11 item 4) executed with nbclient against a fresh short
/// quickstart run, so the notebook cannot rot: every cell runs without an error and draws its
/// figures (saved as PNG through `AGGSIM_FIGURES`). `make test` installs nbclient, pandas,
/// matplotlib and ipykernel; the test is skipped with a message without them.
@Suite("analysis notebook")
struct NotebookTests {
  /// Whether python3 can import what executing the notebook needs.
  static let hasPython: Bool = {
    (try? python(["-c", "import nbclient, nbformat, pandas, matplotlib, ipykernel"]).status) == 0
  }()

  static func python(_ arguments: [String], environment: [String: String] = [:]) throws -> AggsimBinaryTests.Outcome {
    try AggsimBinaryTests.launch(URL(fileURLWithPath: "/usr/bin/env"), ["python3"] + arguments,
                                 in: AggsimBinaryTests.packageRoot.appendingPathComponent("notebooks-out"), environment: environment)
  }

  @Test("the notebook runs every cell against a fresh quickstart run and draws the latency, seat, availability, throughput, in-flight and pod charts",
        .enabled(if: hasPython, "python3 lacks nbclient, nbformat, pandas, matplotlib or ipykernel (make test installs them into Tests/.venv)"))
  func executes() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", "Scenarios/quickstart.yaml", "--set", "spec.run.duration=40s", "--set", "spec.run.warmup=10s",
                                            "--replications", "2", "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let figures = "\(out)/figures"
    let script = """
      import nbformat, nbclient
      nb = nbformat.read("analysis.ipynb", as_version=4)
      nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "."}}).execute()
      print("executed", len(nb.cells), "cells")
      """
    let result = try Self.python(["-c", script], environment: ["AGGSIM_RUN": "\(out)/quickstart", "AGGSIM_FIGURES": figures])
    #expect(result.status == 0, "\(result.stderr.suffix(3000))")
    #expect(result.stdout.contains("executed"))
    let drawn = Set((try? FileManager.default.contentsOfDirectory(atPath: figures)) ?? [])
    #expect(drawn == ["latency.png", "stages.png", "seats.png", "availability.png", "throughput.png", "in_flight.png", "queue_length.png", "busy_workers.png"])
  }
}
