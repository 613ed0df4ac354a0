import Testing
import SimCore
@testable import AggregationModel

/// Random faults: an alternating renewal process per pod.
@Suite("Random faults (MTBF/MTTR)")
struct RandomFaultTests {
  typealias F = ModelFixtures

  @Test("constant 10 s up and 2 s down: faults at 10 s and 22 s, repaired at 12 s and 24 s")
  func constantProcessTrace() {
    var server = F.metricsServer(replicas: 2)
    server.faultProcesses = [FaultProcessSpec(kind: .refuse, timeBetweenFailures: .constant(.seconds(10)),
                                              timeToRepair: .constant(.seconds(2)), pods: [1])]
    let result = F.run(F.spec(duration: .seconds(30), server: server, clients: []))
    #expect(result.events.map(\.time) == [10, 12, 22, 24].map { F.at($0) })
    #expect(result.events.map(\.kind) == [.faultBegins, .faultEnds, .faultBegins, .faultEnds])
    #expect(Set(result.events.map(\.subject)) == ["metrics-server/1"])
    #expect(result.events.first?.detail == "refuse (random)")
  }

  @Test("exponential MTBF 60 s and MTTR 20 s: the pod is down 25% of the time, within the 99% interval")
  func longRunFractionDown() {
    var server = F.metricsServer()
    server.faultProcesses = [FaultProcessSpec(kind: .refuse, timeBetweenFailures: .exponential(mean: .seconds(60)),
                                              timeToRepair: .exponential(mean: .seconds(20)))]
    let duration = 100_000.0
    let result = F.run(F.spec(duration: .seconds(duration), server: server, clients: []))
    var down = 0.0
    var since: SimTime?
    for event in result.events {
      if event.kind == .faultBegins { since = event.time }
      if event.kind == .faultEnds, let start = since { down += (event.time - start).seconds; since = nil }
    }
    if let start = since { down += (F.at(duration) - start).seconds }
    let fraction = down / duration
    // Renewal-reward ratio D/C with r = 0.25: Var(D − rC) = (1−r)²·20² + r²·60² = 450 s², over
    // n = 100 000 / 80 cycles of mean 80 s: sd = √(450 / (1250 · 80²)) ≈ 0.0075.
    let sd = (450.0 / (1_250 * 6_400)).squareRoot()
    #expect(abs(fraction - 0.25) < 2.576 * sd, "fraction down \(fraction)")
  }
}
