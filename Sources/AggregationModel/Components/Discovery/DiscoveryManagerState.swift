import SimCore

/// The aggregated-discovery manager of one control-plane instance: its work queue of APIService
/// indices (`WorkQueue`, with its workers), its cache of `GET /apis` answers per Service, and
/// what it publishes per APIService.
struct DiscoveryManagerState {
  var fetchQueue: WorkQueue
  /// Per APIService: when it was last marked dirty (`lastMarkedDirty`).
  var lastMarkedDirty: [SimTime]
  /// Per extension server (its Service, the cache key `serviceKey{namespace, name, port}`): when
  /// its aggregated answer was last stored (nil: none).
  var cacheUpdated: [SimTime?]
  var stale: [Bool]
  var staleSince: [SimTime]
  var staleTime: [SimDuration]
  var staleToCurrent: [Int]
  /// Syncs that contacted the backend (one per sync, its legacy fallback included), those that
  /// published Stale, and those that went on to the legacy fallback.
  var fetches: [Int]
  var failedFetches: [Int]
  var fallbacks: [Int]
  /// Per APIService: whether the aggregated document lists its group-version (Current or
  /// Stale). All are listed at time zero; after a restart, none until its first sync ends.
  var published: [Bool]
  /// Service-backed group-versions not listed yet.
  var unpublished = 0
  /// Whether `Run` has started the workers on what the registration worker hands over (1.30+:
  /// false after a restart until the start-up pass ends; `apiServiceAdded` then only marks dirty).
  var running = true
  /// 1.30+: the start-up pass is on and `/readyz` waits for it (set through `startupPass(running:width:)`).
  private(set) var startupPassRunning = false
  /// The manager's own workers (the queue's width outside the start-up pass).
  let workers: Int
  /// Per APIService: handed over while `running` was false (queued when the workers start).
  var addedBeforeRun: [Bool]

  init(apiServices: Int, servers: Int, workers: Int) {
    self.workers = workers
    fetchQueue = WorkQueue(items: apiServices, workers: workers)
    lastMarkedDirty = Array(repeating: .zero, count: apiServices)
    cacheUpdated = Array(repeating: nil, count: servers)
    stale = Array(repeating: false, count: apiServices)
    staleSince = Array(repeating: .zero, count: apiServices)
    staleTime = Array(repeating: .zero, count: apiServices)
    staleToCurrent = Array(repeating: 0, count: apiServices)
    fetches = staleToCurrent
    failedFetches = staleToCurrent
    fallbacks = staleToCurrent
    published = Array(repeating: true, count: apiServices)
    addedBeforeRun = Array(repeating: false, count: apiServices)
  }

  /// Starts or ends the start-up pass: while it runs the queue syncs `width` APIServices at once
  /// (every one, as the real pass's goroutines), else the manager's `workers`.
  mutating func startupPass(running: Bool, width: Int = 0) {
    startupPassRunning = running
    fetchQueue.workers = running ? width : workers
  }

  /// A sync of `apiService` ended (Current when `ok`, else Stale; `fetched` when it contacted
  /// the backend rather than reusing the Service's cached answer): its worker is free. Returns
  /// its consecutive failures and whether it was added again meanwhile.
  mutating func publish(_ apiService: Int, ok: Bool, fetched: Bool, now: SimTime, measuringSince: SimTime) -> (failures: Int, again: Bool) {
    let again = fetchQueue.done(apiService)
    if fetched { fetches[apiService] += 1 }
    if ok {
      if stale[apiService] {
        stale[apiService] = false
        staleTime[apiService] = staleTime[apiService] + (now - Swift.max(staleSince[apiService], measuringSince))
        staleToCurrent[apiService] += 1
      }
      fetchQueue.forget(apiService)
    } else {
      failedFetches[apiService] += 1
      if !stale[apiService] {
        stale[apiService] = true
        staleSince[apiService] = now
      }
      _ = fetchQueue.failed(apiService)
    }
    return (fetchQueue.failures[apiService], again)
  }

  /// Forgets what was counted for `apiService` (the end of the warm-up).
  mutating func resetStatistics(_ apiService: Int) {
    staleTime[apiService] = .zero
    staleToCurrent[apiService] = 0
    fetches[apiService] = 0
    failedFetches[apiService] = 0
    fallbacks[apiService] = 0
  }
}
