public import SimCore

/// The legacy max-in-flight filter of kube-apiserver, used only when API Priority and Fairness is
/// off (apiserver:pkg/server/filters/maxinflight.go): two pools, read-only (400) and mutating (200);
/// a request that finds its pool full is rejected at once with 429 `Retry-After: 1`. Members of
/// `system:masters` are never limited (and not counted). Long-running requests must not be passed
/// in: the caller excludes them. A limit of 0 or less means that pool is unlimited, as in k8s.
///
/// - Complexity: O(groups) per `admit` (the `system:masters` check), O(1) per `finish`; no
///   allocation per request once ids have grown.
public struct MaxInFlightLimiter {
  /// `level` of decisions for non-mutating requests.
  public static let readOnlyPool = 0
  /// `level` of decisions for mutating requests.
  public static let mutatingPool = 1

  /// `--max-requests-inflight`.
  public let readOnlyLimit: Int
  /// `--max-mutating-requests-inflight`.
  public let mutatingLimit: Int
  /// The Retry-After of every rejection.
  public let retryAfter: SimDuration
  /// The group that is never limited.
  public let exemptGroup: String

  /// Requests in flight per pool (exempt ones excluded).
  public private(set) var inFlight: [Int]
  /// 429s per pool.
  public private(set) var rejected: [Int]

  private enum Slot: UInt8 { case idle, readOnly, mutating, exempt }
  private var slots: [Slot] = Array(repeating: .idle, count: 1024)

  public init(readOnlyLimit: Int = 400, mutatingLimit: Int = 200, retryAfter: SimDuration = .seconds(1),
              exemptGroup: String = "system:masters") {
    self.readOnlyLimit = readOnlyLimit
    self.mutatingLimit = mutatingLimit
    self.retryAfter = retryAfter
    self.exemptGroup = exemptGroup
    // Built at run time, not from a literal: a constant literal may live in static storage, and
    // its first mutation would then copy it (one allocation on the request path).
    inFlight = Array(repeating: 0, count: 2)
    rejected = Array(repeating: 0, count: 2)
  }

  /// Executes or rejects `request`.
  ///
  /// - Precondition: `request` is not in flight.
  public mutating func admit(_ request: UInt32, isMutating: Bool, subject: RequestSubject) -> AdmissionDecision {
    let i = Int(request)
    if i >= slots.count { slots.append(contentsOf: repeatElement(.idle, count: max(slots.count, i + 1 - slots.count))) }
    precondition(slots[i] == .idle, "request \(request) admitted while still in flight")
    let pool = isMutating ? Self.mutatingPool : Self.readOnlyPool
    if subject.groups.contains(exemptGroup) {
      slots[i] = .exempt
      return .execute(level: pool)
    }
    let limit = isMutating ? mutatingLimit : readOnlyLimit
    if limit > 0 && inFlight[pool] >= limit {
      rejected[pool] += 1
      return .rejected(level: pool, retryAfter: retryAfter)
    }
    inFlight[pool] += 1
    slots[i] = isMutating ? .mutating : .readOnly
    return .execute(level: pool)
  }

  /// `request` completed; frees its place. A request not in flight is ignored.
  public mutating func finish(_ request: UInt32) {
    let i = Int(request)
    guard i < slots.count else { return }
    switch slots[i] {
    case .readOnly: inFlight[Self.readOnlyPool] -= 1
    case .mutating: inFlight[Self.mutatingPool] -= 1
    case .exempt, .idle: break
    }
    slots[i] = .idle
  }
}
