import Testing
import SimCore
@testable import AggregationModel

/// How a client's requests are spread over HA kube-apiserver instances (`ClientConnection`):
/// per request in turn, or pinned to the instance that its one connection landed on, as a
/// client-go process's HTTP/2 connection is (kubernetes/kubernetes#48610). Exact traces: ideal
/// links, metrics-server serving every request in 10 ms.
@Suite("Client connections to HA instances")
struct ClientConnectionTests {
  typealias F = ModelFixtures

  static func client(_ name: String, _ connection: ClientConnection, at times: [Double]) -> ClientSpec {
    var client = F.client(name, workload: .open(.trace(times.map(F.at))))
    client.connection = connection
    return client
  }

  static func instances(of client: String, in result: ReplicationResult) -> [Int] {
    let index = result.clientNames.firstIndex(of: client)!
    return result.trace.filter { $0.client == index }.sorted { $0.start < $1.start }.map(\.instance)
  }

  @Test("a pinned client sends every request to one instance, a random one per replication (3 instances, 150 replications: each chosen 50 ± 3 standard deviations times); a per-request client goes round the instances")
  func pinnedClientStaysOnOneInstance() {
    let times = [1.0, 2, 3, 4, 5, 6]
    let spec = F.spec(duration: .seconds(10), clients: [Self.client("controller", .pinned, at: times),
                                                        Self.client("users", .perRequest, at: times)], instances: 3)
    var landed = [0, 0, 0]
    for replication in 0..<150 {
      let result = F.run(spec, replication: replication)
      let pinned = Self.instances(of: "controller", in: result)
      #expect(pinned.count == 6 && Set(pinned).count == 1, "replication \(replication): \(pinned)")
      landed[pinned[0]] += 1
      #expect(Self.instances(of: "users", in: result) == [0, 1, 2, 0, 1, 2])
    }
    // Binomial(150, 1/3): mean 50, standard deviation 5.77; 3 standard deviations: 33 ... 67.
    #expect(landed.allSatisfy { (33...67).contains($0) }, "\(landed)")
  }

  @Test("a pinned client whose instance restarts (10-20 s) loses the request it had there, connects to the other instance and stays on it after the restart")
  func pinnedClientMovesOnceItsInstanceGoesDown() {
    let times = [8.5, 9.5, 9.995, 10.5, 11.5, 20.5, 21.5, 25]
    var spec = F.spec(duration: .seconds(30), clients: [Self.client("controller", .pinned, at: times)], instances: 2)
    let first = Self.instances(of: "controller", in: F.run(spec))[0]
    let other = 1 - first
    spec.faults = [Fault(target: .controlPlaneInstance(first), kind: .restart,
                         schedule: .window(start: F.at(10), duration: .seconds(10)))]
    let result = F.run(spec)
    #expect(Self.instances(of: "controller", in: result) == [first, first, first] + Array(repeating: other, count: 5))
    let trace = result.trace.sorted { $0.start < $1.start }
    #expect(trace.map(\.outcome) == [.ok, .ok, .unreachable, .ok, .ok, .ok, .ok, .ok])
    #expect(trace[2].reason == .apiserverConnectionReset)
  }
}
