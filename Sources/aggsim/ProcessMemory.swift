import AggregationModel
import CProcessMemory
import Foundation

/// The memory this process has used so far, for `metadata.json` (`peak_heap_bytes`,
/// `peak_resident_bytes`): what a machine or a pod running the scenario must give it.
///
/// The **heap** figure is the allocator's own count of bytes in use (glibc `mallinfo2`), the
/// largest seen at the end of any replication's stretch (one simulated second, `ScenarioRunner`):
/// it measures what aggsim holds, whatever the kernel counts as resident. The **resident** figure is
/// the kernel's peak resident set (`getrusage`), which also holds the binary's and the libraries'
/// pages and, on some kernels, pages of the files written; `--max-memory` bounds that one.
enum ProcessMemory {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var peakHeap: UInt64 = 0

  /// Notes the heap in use now (O(the allocator's free chunks): once a stretch, never per event).
  static func sampleHeap() {
    let inUse = UInt64(aggsim_heap_in_use_bytes())
    lock.lock()
    defer { lock.unlock() }
    peakHeap = max(peakHeap, inUse)
  }

  /// The largest heap in use sampled so far, in bytes (0 where the C library does not say).
  static var peakHeapBytes: UInt64 {
    lock.lock()
    defer { lock.unlock() }
    return peakHeap
  }

  /// The process's peak resident set so far, in bytes (what `--max-memory` bounds).
  static var peakResidentBytes: UInt64 { RunBudget.peakResidentBytes() }
}
