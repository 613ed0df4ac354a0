import Testing
import SimCore
@testable import AggregationModel

/// Link faults (`Fault.Kind.partition`, `.latencySpike`, `.lossBurst`) over windows and random
/// processes. Exact traces: ideal links otherwise, metrics-server serving every request in 10 ms.
@Suite("Link faults")
struct LinkFaultTests {
  typealias F = ModelFixtures

  static func window(_ start: Double, _ seconds: Double) -> Fault.Schedule {
    .window(start: F.at(start), duration: .seconds(seconds))
  }

  static func spec(_ times: [Double], faults: [Fault], duration: Double = 60) -> ModelSpec {
    var spec = F.spec(duration: .seconds(duration), clients: [F.client(workload: .open(.trace(times.map(F.at))))])
    spec.faults = faults
    return spec
  }

  @Test("a partition of the client's link from 10 s to 15 s: a request sent in it fails after the 30 s dial timeout; the window is logged")
  func clientLinkPartition() {
    let spec = Self.spec([9, 12, 16], faults: [Fault(target: .link(.client("alice")), kind: .partition, schedule: Self.window(10, 5))])
    let result = F.run(spec)
    let byStart = result.trace.sorted { $0.start < $1.start }
    #expect(byStart.map(\.outcome) == [.ok, .unreachable, .ok])
    #expect(byStart.map(\.latency) == [.milliseconds(10), .seconds(30), .milliseconds(10)])
    let log = result.events.map { "\($0.time.nanoseconds / 1_000_000_000) \($0.kind.rawValue) \($0.subject) \($0.detail)" }
    #expect(log == ["10 fault_begins link/client/alice partition (scheduled)", "15 fault_ends link/client/alice partition (scheduled)"])
  }

  @Test("a 100 ms latency spike on the backend link from 10 s to 20 s adds 100 ms each way to a request inside it: 210 ms instead of 10 ms")
  func backendLatencySpike() {
    let spec = Self.spec([5, 12, 19.995, 25], faults: [
      Fault(target: .link(.backend(server: "metrics-server", instance: nil)), kind: .latencySpike(.constant(.milliseconds(100))),
            schedule: Self.window(10, 10)),
    ])
    let byStart = F.run(spec).trace.sorted { $0.start < $1.start }
    // 19.995 s: the request leg is inside the window (+100 ms), its answer (sent at 20.105 s) is not.
    #expect(byStart.map(\.latency) == [.milliseconds(10), .milliseconds(210), .milliseconds(110), .milliseconds(10)])
  }

  @Test("a loss burst of 0.5 on the client link with 200 ms retransmissions: mean latency 10 ms + 2 × 0.2 s × p/(1−p) = 410 ms within its 99.9% interval")
  func clientLossBurst() {
    // 4 000 requests at 1 ms spacing from 1 s … 5 s, all inside the burst. Per message the extra
    // delay is 0.2 s × Geometric(0.5) failures: mean 0.2 s, sd 0.2 × √2 s; per request (two
    // messages) mean 0.4 s, sd 0.4 s; mean of 4 000: standard error 6.3 ms, 3.3 se = 21 ms.
    let times = (0..<4_000).map { 1 + Double($0) * 0.001 }
    var spec = Self.spec(times, faults: [
      Fault(target: .link(.client("alice")), kind: .lossBurst(0.5), schedule: Self.window(0.5, 10)),
    ], duration: 30)
    spec.clients[0].link = NetworkLinkSpec(requestLatency: .constant(.zero), retransmissionDelay: .milliseconds(200))
    let latencies = F.run(spec).trace.map(\.latency.seconds)
    #expect(latencies.count == 4_000)
    let mean = latencies.reduce(0, +) / Double(latencies.count)
    #expect(abs(mean - 0.41) < 0.021, "mean \(mean)")
  }

  @Test("a random partition of the backend link (up 20 s, down 5 s): requests in the down times time out at the 60 s deadline")
  func randomBackendPartition() {
    let spec = Self.spec([10, 22, 30, 47], faults: [
      Fault(target: .link(.backend(server: "metrics-server", instance: 0)), kind: .partition,
            schedule: .random(timeBetweenFailures: .constant(.seconds(20)), timeToRepair: .constant(.seconds(5)))),
    ], duration: 120)
    let result = F.run(spec)
    let byStart = result.trace.sorted { $0.start < $1.start }
    // Down from 20 s to 25 s and from 45 s to 50 s.
    #expect(byStart.map(\.outcome) == [.ok, .deadlineExceeded, .ok, .deadlineExceeded])
    let log = result.events.map { "\($0.time.nanoseconds / 1_000_000_000) \($0.kind.rawValue) \($0.subject)" }
    #expect(log.prefix(4) == ["20 fault_begins link/backend/0/metrics-server", "25 fault_ends link/backend/0/metrics-server",
                              "45 fault_begins link/backend/0/metrics-server", "50 fault_ends link/backend/0/metrics-server"])
  }

  @Test("a partition fault and the links' partitions shorthand give the same requests the same outcomes")
  func faultAndShorthandAgree() {
    let times = (0..<40).map { 1 + Double($0) * 0.5 }
    var shorthand = Self.spec(times, faults: [], duration: 120)
    shorthand.backendLinks = [BackendLinkSpec(server: "metrics-server",
                                              link: NetworkLinkSpec(requestLatency: .constant(.zero), partitions: [F.at(5)...F.at(12)]))]
    let fault = Self.spec(times, faults: [
      Fault(target: .link(.backend(server: "metrics-server", instance: nil)), kind: .partition, schedule: Self.window(5, 7)),
    ], duration: 120)
    let a = F.run(shorthand).trace.sorted { $0.start < $1.start }, b = F.run(fault).trace.sorted { $0.start < $1.start }
    #expect(a.map(\.outcome) == b.map(\.outcome))
    #expect(a.map(\.latency) == b.map(\.latency))
    #expect(a.filter { $0.outcome == .deadlineExceeded }.count == 15, "requests at 5 … 12 s")
  }
}
