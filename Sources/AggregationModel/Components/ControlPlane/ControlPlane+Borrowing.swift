import SimCore

/// The control plane's side of APF borrowing (1.26+; `PriorityAndFairness+Borrowing.swift`):
/// each instance's borrowing controller runs every 10 s from the instance's start (its first,
/// zero-demand allocation ran when the filter was built), and the priority levels' background
/// demand (`PriorityLevelConfiguration.background`, the cluster's other traffic, the same at
/// every instance) changes at its steps.
extension ControlPlane {
  /// At the start of the run: every instance's first adjustment, the background demand that
  /// starts at 0 s (after the zero-demand allocation) and the later background steps.
  mutating func start(_ kernel: inout Kernel) {
    guard case .priorityAndFairness(let configuration) = spec.admission else { return }
    for instance in admission.indices { scheduleAdjustment(instance: instance, &kernel) }
    for (level, config) in configuration.priorityLevels.enumerated() {
      for (step, background) in config.background.enumerated() {
        if background.start == .zero {
          var dispatched: [UInt32] = []
          setBackground(level: level, seats: background.seats, &kernel, dispatched: &dispatched)
        } else {
          kernel.schedule(Event.backgroundStep(level: Int32(level), step: Int32(step)), at: .zero + background.start)
        }
      }
    }
  }

  /// The instance's apiserver started again: with borrowing its filter allocates with zero demand
  /// once more and its controller runs every 10 s from now.
  mutating func instanceStarted(_ instance: Int, _ kernel: inout Kernel) {
    guard admission[instance].apf?.borrows == true else { return }
    admission[instance].apf!.restarted(at: kernel.now)
    scheduleAdjustment(instance: instance, &kernel)
  }

  /// The instance's borrowing controller re-allocates the seats; `dispatched` gets the queued
  /// requests a higher limit lets start. The next adjustment follows one period later.
  mutating func adjustConcurrency(instance: Int, _ kernel: inout Kernel, dispatched: inout [UInt32]) {
    admission[instance].apf!.adjustConcurrencyLimits(now: kernel.now, dispatched: &dispatched)
    scheduleAdjustment(instance: instance, &kernel)
  }

  /// A background step of `level` starts: every instance holds its seats from now on.
  mutating func backgroundStep(level: Int, step: Int, _ kernel: inout Kernel, dispatched: inout [UInt32]) {
    guard case .priorityAndFairness(let configuration) = spec.admission else { return }
    setBackground(level: level, seats: configuration.priorityLevels[level].background[step].seats, &kernel, dispatched: &dispatched)
  }

  private mutating func setBackground(level: Int, seats: Int, _ kernel: inout Kernel, dispatched: inout [UInt32]) {
    for instance in admission.indices {
      admission[instance].apf?.setBackgroundSeats(seats, level: level, now: kernel.now, dispatched: &dispatched)
    }
  }

  private func scheduleAdjustment(instance: Int, _ kernel: inout Kernel) {
    guard let apf = admission[instance].apf, apf.borrows else { return }
    kernel.schedule(Event.adjustConcurrency(instance: Int32(instance), epoch: kernel.instanceEpoch[instance]),
                    after: apf.configuration.borrowingPeriod)
  }
}
