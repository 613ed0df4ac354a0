import SimCore

/// The kubelet's readiness probes of extension-server pods (`ExtensionServerSpec.readinessProbe`,
/// described with the model's simplifications in `ReadinessProbeSpec`). The probe is a local check
/// on the pod's node: it never goes through the aggregator, a link or the pod's workers, and it
/// draws no service time. A readiness change goes through `setReady`, so the availability
/// controller sees it at once (an EndpointSlice event).
extension AggregationSimulation {
  /// Draws each probed pod's first tick (a uniform phase in [0, period) from the pod's own stream
  /// `server/<name>/readiness/<pod>`, unless `firstProbe` pins it). Called last in `init`, so that
  /// these streams, which exist only when a server has a probe, never move another stream's key.
  mutating func drawReadinessPhases(streams: StreamRegistry) {
    for server in servers.indices {
      guard let probe = servers[server].spec.readinessProbe else { continue }
      for pod in servers[server].pods.indices {
        servers[server].pods[pod].probe.phase = probe.firstProbe ?? SimDuration(
          nanoseconds: Int64(streams.stream("server/\(servers[server].spec.name)/readiness/\(pod)").uniform()
                             * Double(probe.period.nanoseconds)))
      }
    }
  }

  /// Schedules every probed pod's first tick.
  mutating func startReadinessProbes() {
    for server in servers.indices where servers[server].spec.readinessProbe != nil {
      for pod in servers[server].pods.indices {
        calendar.schedule(.readinessProbeTick(server: Int32(server), pod: Int32(pod)), at: .zero + servers[server].pods[pod].probe.phase)
      }
    }
  }

  /// The kubelet's probe ticker fires: the next tick is scheduled, and a probe goes unless one is
  /// still out (then this tick waits for it, as Go's ticker channel holds one tick).
  mutating func readinessProbeTick(server: Int, pod: Int) {
    calendar.schedule(.readinessProbeTick(server: Int32(server), pod: Int32(pod)),
                      after: servers[server].spec.readinessProbe!.period)
    if servers[server].pods[pod].probe.outstanding {
      servers[server].pods[pod].probe.tickPending = true
      return
    }
    sendReadinessProbe(server: server, pod: pod)
  }

  /// Whether the pod answers a readiness probe within its timeout: the mean probe service time
  /// scaled by the pod's slow-down factor must not exceed it.
  func answersReadinessProbeInTime(server: Int, pod: Int) -> Bool {
    let probe = servers[server].spec.readinessProbe!
    return servers[server].readinessAnswerSeconds * servers[server].pods[pod].slowFactor <= probe.timeout.seconds
  }

  /// One probe of the pod: skipped within `initialDelay` of a restart; failed at once if the pod
  /// refuses connections or has crashed; out until its timeout if the pod hangs or is too slow;
  /// otherwise succeeded at once.
  mutating func sendReadinessProbe(server: Int, pod: Int) {
    let probe = servers[server].spec.readinessProbe!
    if let started = servers[server].pods[pod].probe.startedAt, calendar.now - started < probe.initialDelay { return }
    if !servers[server].pods[pod].isAcceptingConnections {
      readinessProbeEnds(server: server, pod: pod, succeeded: false)
    } else if servers[server].pods[pod].hung || !answersReadinessProbeInTime(server: server, pod: pod) {
      servers[server].pods[pod].probe.outstanding = true
      servers[server].pods[pod].probe.generation &+= 1
      calendar.schedule(.readinessProbeTimeout(server: Int32(server), pod: Int32(pod),
                                               generation: servers[server].pods[pod].probe.generation),
                        after: probe.timeout)
    } else {
      readinessProbeEnds(server: server, pod: pod, succeeded: true)
    }
  }

  /// The probe's timeout passed: it failed, unless it was answered (or failed) meanwhile.
  mutating func readinessProbeTimesOut(server: Int, pod: Int, generation: UInt32) {
    guard servers[server].pods[pod].probe.outstanding, servers[server].pods[pod].probe.generation == generation else { return }
    servers[server].pods[pod].probe.outstanding = false
    readinessProbeEnds(server: server, pod: pod, succeeded: false)
  }

  /// A hang or slow-down of the pod ended: a probe still out is answered now if nothing else
  /// holds it (the pod is not hung and fast enough); otherwise it keeps its timeout.
  mutating func answerOutstandingReadinessProbe(server: Int, pod: Int) {
    guard servers[server].spec.readinessProbe != nil, servers[server].pods[pod].probe.outstanding,
          !servers[server].pods[pod].hung, answersReadinessProbeInTime(server: server, pod: pod) else { return }
    servers[server].pods[pod].probe.outstanding = false
    readinessProbeEnds(server: server, pod: pod, succeeded: true)
  }

  /// The pod crashed: a probe still out fails with its connection.
  mutating func failOutstandingReadinessProbe(server: Int, pod: Int) {
    guard servers[server].spec.readinessProbe != nil, servers[server].pods[pod].probe.outstanding else { return }
    servers[server].pods[pod].probe.outstanding = false
    readinessProbeEnds(server: server, pod: pod, succeeded: false)
  }

  /// The pod's container restarted after a crash: with a probe it stays NotReady (the kubelet's
  /// initial readiness result) until enough probes succeed, the first `initialDelay` from now.
  mutating func containerRestarted(server: Int, pod: Int) {
    servers[server].pods[pod].probe.startedAt = calendar.now
    setReady(server: server, pod: pod, false)
  }

  /// Counts the result as the kubelet's worker does (`doProbe`): a run of equal results; once the
  /// run reaches its threshold the pod's readiness follows. A tick kept while the probe was out
  /// sends the next probe now.
  mutating func readinessProbeEnds(server: Int, pod: Int, succeeded: Bool) {
    let probe = servers[server].spec.readinessProbe!
    if servers[server].pods[pod].probe.lastSucceeded == succeeded {
      servers[server].pods[pod].probe.run = min(servers[server].pods[pod].probe.run + 1, Int(Int32.max))
    } else {
      servers[server].pods[pod].probe.lastSucceeded = succeeded
      servers[server].pods[pod].probe.run = 1
    }
    if servers[server].pods[pod].probe.run >= (succeeded ? probe.successThreshold : probe.failureThreshold) {
      setReady(server: server, pod: pod, succeeded)
    }
    if servers[server].pods[pod].probe.tickPending {
      servers[server].pods[pod].probe.tickPending = false
      sendReadinessProbe(server: server, pod: pod)
    }
  }
}
