import Testing
import SimCore
@testable import AggregationModel

@Suite("API Priority and Fairness defaults: levels, seats, FlowSchema classification, shuffle sharding")
struct AdmissionConfigurationTests {
  @Test("the default levels at 600 seats get the nominal concurrency limits of the research table")
  func nominalConcurrencyLimits() throws {
    let apf = try PriorityAndFairness()
    #expect(apf.levelNames == ["exempt", "system", "node-high", "leader-election", "workload-high", "workload-low",
                               "global-default", "catch-all"])
    #expect(apf.concurrencyLimits == [0, 74, 98, 25, 98, 245, 49, 13])
    let shares = PriorityLevelConfiguration.kubernetesDefaults.filter { !$0.isExempt }.reduce(0) { $0 + $1.shares }
    #expect(shares == 245)
  }

  @Test("max seats per request are max(1, min(ceil(0.15 CL), CL / handSize)) for each default level with queues; exempt and catch-all have none")
  func maxSeatsPerLevel() throws {
    let apf = try PriorityAndFairness()
    #expect(Array(apf.maxSeats[1...6]) == [12, 15, 4, 15, 37, 8])
    #expect(apf.maxSeats[0] == 0 && apf.maxSeats[7] == 0)   // no queues: apf_controller.go sets none (was 1 and 2)
  }

  /// 1.36: catch-all (13 seats, no max seats) and workload-low (max seats 37) both cap a wide
  /// request at the estimators' 10 seats.
  @Test("from 1.28 a level without max seats (catch-all), or with more than 10, caps a request at the estimators' 10 seats")
  func estimatorCapOfTenSeats() throws {
    var apf = try PriorityAndFairness()
    let catchAll = PriorityAndFairness.Classification(level: 7, flowSchema: -1, flowHash: 0)
    #expect(apf.admit(1, classification: catchAll, seats: 12, now: .zero, deadline: .zero + .seconds(60)) == .execute(level: 7))
    #expect(apf.seatsInUse(level: 7) == 10)   // was 2, catch-all's former max seats
    let workloadLow = apf.classify(.serviceAccount(namespace: "team-a", name: "builder"))
    #expect(apf.admit(2, classification: workloadLow, seats: 20, now: .zero, deadline: .zero + .seconds(60)) == .execute(level: 5))
    #expect(apf.seatsInUse(level: 5) == 10)   // was 20 (under its 37 max seats)
  }

  @Test("a request wider than its level's max seats is clamped to it, and a zero-seat request takes one seat")
  func seatsAreClamped() throws {
    var apf = try PriorityAndFairness()
    let user = RequestSubject.user("alice")
    #expect(apf.admit(1, subject: user, seats: 100, now: .zero, deadline: .zero + .seconds(60)) == .execute(level: 6))
    #expect(apf.seatsInUse(level: 6) == 8)
    #expect(apf.admit(2, subject: user, seats: 0, now: .zero, deadline: .zero + .seconds(60)) == .execute(level: 6))
    #expect(apf.seatsInUse(level: 6) == 9)
  }

  @Test("typical subjects are classified into the default priority levels", arguments: [
    (RequestSubject.user("admin", groups: ["system:masters"]), "exempt"),
    (RequestSubject.serviceAccount(namespace: "kube-system", name: "foo"), "workload-high"),
    (RequestSubject.serviceAccount(namespace: "team-a", name: "builder"), "workload-low"),
    (RequestSubject.user("alice"), "global-default"),
    (RequestSubject.node("n1"), "system"),
    (RequestSubject.node("n1", purpose: .nodeHeartbeat), "node-high"),
    (RequestSubject.user("alice", purpose: .probe), "exempt"),
    (RequestSubject.user("system:kube-controller-manager"), "workload-high"),
    (RequestSubject.user("system:kube-scheduler", purpose: .leaderElection), "leader-election"),
    (RequestSubject(userName: "system:anonymous", groups: ["system:unauthenticated"]), "catch-all"),
  ])
  func classification(subject: RequestSubject, level: String) throws {
    let apf = try PriorityAndFairness()
    #expect(apf.levelNames[apf.classify(subject).level] == level)
  }

  @Test("an ordinary user's flow is the global-default FlowSchema with the user as distinguisher")
  func flowOfOrdinaryUser() throws {
    let apf = try PriorityAndFairness()
    let c = apf.classify(.user("alice"))
    #expect(FlowSchema.kubernetesDefaults[c.flowSchema].name == "global-default")
    #expect(c.flowHash == flowHash(flowSchema: "global-default", distinguisher: "alice"))
  }

  /// Expected values from python: `struct.unpack('<Q', hashlib.sha256(b'global-default\0alice').digest()[:8])`.
  @Test("the flow hash is the first 8 bytes, little-endian, of SHA-256 of schema name, a zero byte and the distinguisher (apf_controller.go hashFlowID)")
  func flowHashIsSHA256() {
    #expect(flowHash(flowSchema: "a", distinguisher: "") == 0x04d5_a2a2_eaaa_e9ff)
    #expect(flowHash(flowSchema: "all", distinguisher: "alice") == 0x4d4d_acc8_5573_a5a3)
    #expect(flowHash(flowSchema: "global-default", distinguisher: "alice") == 0xf4de_3bd4_2ccd_f6b7)
    // alice's hand in global-default (128 queues, hand size 6), as a real apiserver deals it.
    #expect(ShuffleShardingDealer(deckSize: 128, handSize: 6).hand(0xf4de_3bd4_2ccd_f6b7) == [55, 62, 126, 125, 105, 1])
  }

  @Test("the dealer deals pinned, distinct queues for a given hash", arguments: [
    (UInt64(0), 128, 6, [0, 1, 2, 3, 4, 5]),
    (UInt64(12_345_678_901_234_567), 128, 6, [7, 14, 94, 102, 22, 65]),
    (UInt64.max, 128, 6, [127, 1, 7, 56, 91, 6]),
    (UInt64(12_345_678_901_234_567), 16, 4, [7, 0, 1, 6]),
    (UInt64.max, 16, 4, [15, 0, 8, 7]),
  ])
  func dealerHands(hash: UInt64, deck: Int, hand: Int, expected: [Int]) {
    let cards = ShuffleShardingDealer(deckSize: deck, handSize: hand).hand(hash)
    #expect(cards == expected)
    #expect(Set(cards).count == hand)
  }

  @Test("every hand of 6 out of 128 is distinct and in range over many hashes")
  func dealerAlwaysDistinct() {
    let dealer = ShuffleShardingDealer(deckSize: 128, handSize: 6)
    var hash: UInt64 = 0x9e37_79b9_7f4a_7c15
    for _ in 0..<2000 {
      let cards = dealer.hand(hash)
      #expect(Set(cards).count == 6 && cards.allSatisfy { (0..<128).contains($0) })
      hash = hash &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    }
  }

  /// 20 seats, 2 queues, hand 1: the level's max seats are max(1, min(ceil(0.15 × 20), 20 / 1)) = 3.
  @Test("a request's seats are clamped to its level's max seats from 1.28 only: 10 seats take 10 in 1.27, 3 in 1.28")
  func maxSeatsClampFrom128() throws {
    for (minor, seats) in [(27, 10), (28, 3)] {
      var configuration = PriorityAndFairness.Configuration()
      configuration.serverConcurrencyLimit = 20
      configuration.borrowing = false
      configuration.priorityLevels = [.exempt(), .queued("tiny", shares: 1, lendablePercent: 0, queues: 2, handSize: 1)]
      configuration.flowSchemas = [
        FlowSchema(name: "all", matchingPrecedence: 1000, priorityLevel: "tiny", subjects: [.group("system:authenticated")]),
      ]
      var apf = try PriorityAndFairness(configuration: configuration, version: KubernetesVersion(major: 1, minor: minor))
      #expect(apf.maxSeats[1] == 3)
      #expect(apf.admit(0, subject: .user("alice"), seats: 10, now: .zero, deadline: .zero + .seconds(60)) == .execute(level: 1))
      #expect(apf.seatsInUse(level: 1) == seats, "1.\(minor)")
    }
  }

  @Test("a FlowSchema naming a missing priority level is refused with its name")
  func missingLevel() {
    var configuration = PriorityAndFairness.Configuration()
    configuration.flowSchemas.append(FlowSchema(name: "mine", matchingPrecedence: 5, priorityLevel: "nope",
                                                subjects: [.user("x")]))
    do {
      _ = try PriorityAndFairness(configuration: configuration)
      Issue.record("accepted")
    } catch {
      #expect(error.description == "flow schema mine: no priority level named nope")
    }
  }
}
