import Foundation
import Testing

/// `Scenarios/apf-aggregated-list-seats.yaml` swept by the built binary over 1.22, 1.23.5 and
/// 1.23.6: LISTs of pod metrics (an aggregated resource) take 10 APF seats in 1.23.0–1.23.5
/// (kubernetes/kubernetes#109106, fidelity audit §2.2), 1 before and after. Constant arrivals and
/// service: the figures are exact. The derivation is in the scenario's header.
@Suite("apf-aggregated-list-seats scenario end to end")
struct AggregatedListSeatsScenarioTests {
  static let scenario = "Scenarios/apf-aggregated-list-seats.yaml"
  static let name = "apf-aggregated-list-seats"

  @Test("1.23.5 charges an aggregated LIST 10 seats: 4 at once in global-default's 49, 480 started and 1 920 of 2 400 LISTs 429; 1.22 and 1.23.6 run 20 at once, no 429")
  func listSeatsByPatchRelease() throws {
    let out = try AggsimBinaryTests.temporaryDirectory()
    let run = try AggsimBinaryTests.aggsim(["sweep", Self.scenario, "--out", out])
    #expect(run.status == 0, "\(run.stderr)")
    let rows = OutputRows.rows(try AggsimBinaryTests.read("\(out)/\(Self.name)/summary.csv"))
    func value(_ point: Int, _ kind: String, _ scope: String, _ metric: String) -> Double? {
      BorrowingScenarioTests.value(rows, point: point, kind: kind, scope: scope, metric: metric)
    }
    func level(_ point: Int, _ metric: String) -> Double? { value(point, "priority_level", "0/global-default", metric) }
    func client(_ point: Int, _ metric: String) -> Double? { value(point, "client", "kubectl-top", metric) }
    for point in [0, 2] {  // 1.22, 1.23.6: 1 seat
      #expect(level(point, "dispatched") == 2_401 && level(point, "rejected") == 0)
      #expect(level(point, "seat_utilisation") == 20.0 / 49)
      #expect(client(point, "latency_mean_s") == 2 && client(point, "fraction_429") == 0)
    }
    // 1.23.5: 10 seats, 4 at once.
    #expect(level(1, "dispatched") == 480 && level(1, "rejected") == 1_920)
    #expect(client(1, "requests") == 2_400 && client(1, "fraction_429") == 0.8)
    #expect(level(1, "seat_utilisation") == 40.0 / 49)
  }
}
