import Foundation
import Testing

/// `Scenarios/apf-borrowing-hung-backend.yaml` swept by the built binary over 1.25 and 1.26: a
/// hung aggregated API holds global-default's seats for the 60 s deadline. 1.25 keeps the nominal
/// 49 seats; 1.26 borrows the idle levels' lendable seats up to 368 (fidelity audit §2.1,
/// borrow.py). Constant arrivals, latencies and service: the figures are exact. The derivation
/// is in the scenario's header.
@Suite("apf-borrowing-hung-backend scenario end to end")
struct BorrowingScenarioTests {
  static let scenario = "Scenarios/apf-borrowing-hung-backend.yaml"
  static let name = "apf-borrowing-hung-backend"
  static let level = "0/global-default"

  /// Summary value of `metric` in `scope` at sweep point `point` (replication 0).
  static func value(_ rows: [[Substring]], point: Int, kind: String, scope: String, metric: String) -> Double? {
    rows.first { $0[0] == Substring("\(point)") && $0[1] == "0" && $0[2] == Substring(kind) && $0[3] == Substring(scope)
      && $0[4] == Substring(metric) }.flatMap { Double($0[6]) }
  }

  @Test("1.25 runs 49 hung calls at once (245 started after the warm-up, 2 159 GETs 429); 1.26 borrows up to 368 (151, 260, 327 then 368 seats at 10-40 s; 1 666 started, 749 429s)")
  func hungCallsBeforeAndAfterBorrowing() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["sweep", Self.scenario, "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv"))
    func level(_ point: Int, _ metric: String) -> Double? { Self.value(rows, point: point, kind: "priority_level", scope: Self.level, metric: metric) }
    func client(_ point: Int, _ metric: String) -> Double? { Self.value(rows, point: point, kind: "client", scope: "kubectl", metric: metric) }
    // 1.25: the nominal 49 seats, always full.
    #expect(level(0, "concurrency_limit") == 49 && level(0, "concurrency_limit_mean") == 49)
    #expect(level(0, "seat_utilisation") == 1)
    #expect(level(0, "dispatched") == 245 && level(0, "rejected") == 2_159)
    #expect(client(0, "requests") == 2_404)
    // 1.26: 368 seats from 40 s on (602 − the other levels' 234 minimum seats), always full.
    #expect(level(1, "concurrency_limit") == 49 && level(1, "concurrency_limit_mean") == 368)
    #expect(level(1, "seat_utilisation") == 1)
    #expect(level(1, "dispatched") == 1_666 && level(1, "rejected") == 749)
    #expect(client(1, "requests") == 2_415)
    // The current limit at each bucket end: 56 at the start (zero demand); at 10 s the demand of
    // 0 … 99 requests (mean 49.5, sd 28.9, high watermark 100) gives 151, as borrow.py.
    let series = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(Self.name)/timeseries.csv")).filter {
      $0[0] == "1" && $0[4] == Substring(Self.level) && $0[5] == "concurrency_limit"
    }.prefix(6).map { Double($0[6]) }
    #expect(series == [151, 260, 327, 368, 368, 368])
  }

  @Test("run of its one replication (1.26) says '1 replication' and the digest writes the 60 s deadline as 60000 ms")
  func oneReplicationDigest() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["run", Self.scenario, "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("\(Self.name): 1 replication, 24606 events in "), "\(run.stdout)")
    #expect(run.stdout.contains("\nclient/kubectl  10.06  0     60000   60000   60000\n"), "\(run.stdout)")
  }
}
