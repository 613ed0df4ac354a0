import Testing
import SimCore
@testable import AggregationModel

@Suite("Legacy max-in-flight admission (API Priority and Fairness off)")
struct AdmissionMaxInFlightTests {
  let alice = RequestSubject.user("alice")

  @Test("400 reads execute, the 401st gets 429 Retry-After 1 s, system:masters still executes, mutating counted apart")
  func readAndMutatingPools() {
    var limiter = MaxInFlightLimiter()
    for id in UInt32(0)..<400 {
      #expect(limiter.admit(id, isMutating: false, subject: alice) == .execute(level: MaxInFlightLimiter.readOnlyPool))
    }
    #expect(limiter.admit(400, isMutating: false, subject: alice) == .rejected(level: 0, retryAfter: .seconds(1)))
    let admin = RequestSubject.user("admin", groups: ["system:masters"])
    #expect(limiter.admit(401, isMutating: false, subject: admin) == .execute(level: 0))
    for id in UInt32(500)..<700 {
      #expect(limiter.admit(id, isMutating: true, subject: alice) == .execute(level: MaxInFlightLimiter.mutatingPool))
    }
    #expect(limiter.admit(700, isMutating: true, subject: alice) == .rejected(level: 1, retryAfter: .seconds(1)))
    #expect(limiter.inFlight == [400, 200])
    #expect(limiter.rejected == [1, 1])
    limiter.finish(401)                                   // the exempt request frees nothing
    #expect(limiter.inFlight == [400, 200])
    limiter.finish(3)
    #expect(limiter.inFlight == [399, 200])
    #expect(limiter.admit(400, isMutating: false, subject: alice) == .execute(level: 0))
    limiter.finish(3)                                     // a second finish is ignored
    #expect(limiter.inFlight == [400, 200])
  }

  @Test("a pool limit of 0 means unlimited")
  func zeroIsUnlimited() {
    var limiter = MaxInFlightLimiter(readOnlyLimit: 0, mutatingLimit: 1)
    for id in UInt32(0)..<5000 { #expect(limiter.admit(id, isMutating: false, subject: alice) == .execute(level: 0)) }
    #expect(limiter.admit(5000, isMutating: true, subject: alice) == .execute(level: 1))
    #expect(limiter.admit(5001, isMutating: true, subject: alice) == .rejected(level: 1, retryAfter: .seconds(1)))
  }
}
