import Testing
import SimCore
@testable import AggregationModel

@Suite("Clients: token bucket, retry policy, response vocabulary")
struct ClientTests {
  static func ms(_ v: Int) -> SimTime { .zero + .milliseconds(v) }

  @Test("kubectl discovery 50/300: 305 requests at t=0 send 300 at once, then one every 20 ms")
  func kubectlBurstThenRefill() {
    var bucket = TokenBucket.kubectlDiscovery()
    let sends = (0..<305).map { _ in bucket.reserve(now: .zero) }
    #expect(sends.prefix(300).allSatisfy { $0 == .zero })
    #expect(Array(sends.suffix(5)) == [Self.ms(20), Self.ms(40), Self.ms(60), Self.ms(80), Self.ms(100)])
    #expect(bucket.interval == .milliseconds(20))
    #expect(bucket.tokens(at: Self.ms(100)) == 0)
  }

  @Test("after a long idle period the bucket holds exactly burst tokens, not more")
  func idleRefillCapsAtBurst() {
    var bucket = TokenBucket.kubectlDiscovery()
    for _ in 0..<305 { _ = bucket.reserve(now: .zero) }
    let later = SimTime.zero + .seconds(100)
    #expect(bucket.tokens(at: later) == 300)
    let sends = (0..<302).map { _ in bucket.reserve(now: later) }
    #expect(sends.prefix(300).allSatisfy { $0 == later })
    #expect(Array(sends.suffix(2)) == [later + .milliseconds(20), later + .milliseconds(40)])
  }

  @Test("client-go 5/10: exact trace of 15 requests at t=0 and one at t=3 s")
  func clientGoDefaultTrace() {
    var bucket = TokenBucket.clientGoDefault()
    let sends = (0..<15).map { _ in bucket.reserve(now: .zero) }
    #expect(sends == Array(repeating: .zero, count: 10) + [Self.ms(200), Self.ms(400), Self.ms(600), Self.ms(800), Self.ms(1000)])
    // 15 tokens taken at t=0 from a bucket of 10 are repaid at 5/s by 3 s: full again, and no more.
    #expect(bucket.tokens(at: Self.ms(3000)) == 10)
    #expect(bucket.reserve(now: Self.ms(3000)) == Self.ms(3000))
    #expect(bucket.tokens(at: Self.ms(3000)) == 9)
    // A partly refilled bucket: 9 tokens at 3 s, 10 requests at 3.1 s -> 9.5 tokens, 9 go at once.
    let next = (0..<10).map { _ in bucket.reserve(now: Self.ms(3100)) }
    #expect(next.prefix(9).allSatisfy { $0 == Self.ms(3100) })
    #expect(next[9] == Self.ms(3200))
  }

  @Test("a request whose send time would pass its deadline takes no token")
  func deadlineDoesNotConsume() {
    var bucket = TokenBucket.kubectlDiscovery()
    for _ in 0..<300 { _ = bucket.reserve(now: .zero) }
    #expect(bucket.reserve(now: .zero, deadline: Self.ms(19)) == nil)
    #expect(bucket.reserve(now: .zero, deadline: Self.ms(20)) == Self.ms(20))
    #expect(bucket.reserve(now: .zero) == Self.ms(40))
  }

  @Test("client-go retries a 429 or 5xx only when it carries Retry-After, at most 10 times", arguments: [
    (429, 3 as Int?, 1, RetryDecision.retry(after: .seconds(3))),
    (429, 1, 10, .retry(after: .seconds(1))),
    (429, 3, 11, .giveUp),
    (503, nil, 1, .giveUp),
    (503, 5, 1, .retry(after: .seconds(5))),
    (504, nil, 1, .giveUp),
    (500, 0, 2, .retry(after: .zero)),
    (404, 3, 1, .giveUp),
    (200, nil, 1, .giveUp),
  ])
  func retryDecision(status: Int, retryAfterSeconds: Int?, attempt: Int, expected: RetryDecision) {
    #expect(RetryPolicy.clientGo.decision(status: status, retryAfter: retryAfterSeconds.map { .seconds($0) }, attempt: attempt) == expected)
  }

  @Test("the model's responses carry the real status, body and Retry-After; only the 429 is retried")
  func responseVocabulary() {
    let cases: [(ResponseStatus, String, RetryDecision)] = [
      (.ok, "200", .giveUp),
      (.tooManyRequests(retryAfter: .seconds(3)), "429 Too many requests, please try again later. (Retry-After: \(SimDuration.seconds(3)))", .retry(after: .seconds(3))),
      (.serviceUnavailable, "503 service unavailable", .giveUp),
      (.discoveryTimeout, "503 error trying to reach service: context deadline exceeded", .giveUp),
      (.errorTryingToReachService(detail: "http2: client connection lost"), "503 error trying to reach service: http2: client connection lost", .giveUp),
      (.deadlineExceeded, "504 Timeout: request did not complete within the allotted timeout", .giveUp),
      (.badGateway, "502 the backend attempted to redirect this request, which is not permitted", .giveUp),
    ]
    for (response, text, decision) in cases {
      #expect(response.description == text)
      #expect(RetryPolicy.clientGo.decision(for: response, attempt: 1) == decision)
    }
    #expect(RetryPolicy.none.decision(for: .tooManyRequests(retryAfter: .seconds(1)), attempt: 1) == .giveUp)
  }
}
