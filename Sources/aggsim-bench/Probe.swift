import Foundation
import MallocInterposerSwift

#if canImport(Glibc)
import Glibc
#endif

/// Resident memory over one measured stretch of code: the resident set just before it and the
/// peak (high-water mark) during it, in megabytes.
///
/// `isolated` is false when the kernel would not reset the high-water mark: `peak` is then the
/// process's peak so far, which earlier stretches may have set.
struct MemoryWindow {
  var before: Double
  var peak: Double
  var isolated: Bool

  /// How far the resident set rose above where it started.
  var growth: Double { Swift.max(0, peak - before) }
}

/// Wall time, heap allocations and resident memory of measured stretches of code.
///
/// Allocations are counted by ordo-one's malloc interposer, which `make bench` preloads
/// (`LD_PRELOAD`); without it every count is zero and `interposerIsLoaded` is false.
enum Probe {
  /// Runs `body`, timing it and counting the heap allocations it makes (zero unless the
  /// interposer is preloaded).
  static func timedCountingAllocations<T>(_ body: () -> T) -> (result: T, wallSeconds: Double, allocations: Int) {
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let start = DispatchTime.now().uptimeNanoseconds
    let result = body()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    MallocInterposerSwift.unhook()
    return (result, wall, MallocInterposerSwift.getStatistics().mallocCount)
  }

  /// Wall seconds of `body`.
  static func timed<T>(_ body: () async -> T) async -> (result: T, wallSeconds: Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let result = await body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
  }

  /// True when the interposer really sees this process's allocations (it is preloaded).
  static let interposerIsLoaded: Bool = {
    MallocInterposerSwift.reset()
    MallocInterposerSwift.hook()
    let canary = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
    canary.deallocate()
    MallocInterposerSwift.unhook()
    return MallocInterposerSwift.getStatistics().mallocCount > 0
  }()

  /// Runs `body` with its own memory window: freed heap memory is first given back to the
  /// kernel (`malloc_trim`) and the high-water mark reset (`/proc/self/clear_refs`, Linux ≥ 4.0),
  /// so that the peak is this stretch's and not an earlier one's.
  static func measuringMemory<T>(_ body: () -> T) -> (result: T, memory: MemoryWindow) {
    trimHeap()
    let isolated = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .ascii)) != nil
    let before = statusMegabytes("VmRSS") ?? 0
    let result = body()
    let peak = statusMegabytes("VmHWM") ?? peakResidentMegabytes()
    return (result, MemoryWindow(before: before, peak: peak, isolated: isolated))
  }

  /// The process's peak resident memory so far (`getrusage`), in megabytes.
  static func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports kilobytes
  }

  /// A `kB` field of `/proc/self/status` (`VmRSS`, `VmHWM`) in megabytes; nil off Linux.
  static func statusMegabytes(_ field: String) -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
      let number = line.dropFirst(field.count + 1).split(whereSeparator: \.isWhitespace).first
      return number.flatMap { Double($0) }.map { $0 / 1024 }
    }
    return nil
  }

  /// Gives freed heap memory back to the kernel with glibc's `malloc_trim(0)`, looked up at run
  /// time (Swift's Glibc module does not import `malloc.h`); does nothing where it is missing.
  static func trimHeap() {
    #if canImport(Glibc)
    typealias Trim = @convention(c) (Int) -> Int32
    if let symbol = dlsym(nil, "malloc_trim") {
      _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }
    #endif
  }

  /// Cores this process may run on.
  static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

  /// The 1-minute load average (`/proc/loadavg`), or nil off Linux: how busy the machine was.
  static func loadAverage() -> Double? {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return nil }
    return text.split(separator: " ").first.flatMap { Double($0) }
  }
}

extension Double {
  /// The number with `digits` digits after the point.
  func fixed(_ digits: Int) -> String { String(format: "%.\(digits)f", self) }
}
