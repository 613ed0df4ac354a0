import AggregationModel
import CFuzzerDriver
import Foundation
import Scenario
import SimCore

/// `aggsim-fuzz`: the scenario reader, then a run under a small budget, for any bytes.
///
/// Built by `make fuzz` with libFuzzer (`-sanitize=fuzzer`), it is a coverage-guided fuzzer: its
/// arguments are libFuzzer's (`-max_total_time=60 corpus-dir …`). Built normally, it replays the
/// files and directories it is given (a corpus, a crash) through the same function, so a
/// finding can be reproduced and kept as a test. Any trap, hang or unbounded memory is a bug:
/// every input either is refused with located errors, or runs until its end or its budget.
@main
struct FuzzMain {
  static func main() {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    if aggsim_fuzzer_linked() != 0 {
      let status = withUnsafeMutablePointer(to: &argv) { aggsim_run_fuzzer(&argc, $0, fuzzOneInput) }
      exit(status)
    }
    var inputs = 0, valid = 0
    for path in CommandLine.arguments.dropFirst() {
      for file in files(at: path) {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        inputs += 1
        if FuzzedScenario.run([UInt8](data)) { valid += 1 }
      }
    }
    print("\(inputs) inputs replayed, \(valid) valid scenarios ran within the budget")
  }

  /// `path` itself, or the regular files in it when it is a directory.
  static func files(at path: String) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
    guard isDirectory.boolValue else { return [path] }
    return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
  }
}

/// libFuzzer's callback.
let fuzzOneInput: aggsim_fuzz_callback = { data, size in LLVMFuzzerTestOneInput(data, size) }

/// The entry point libFuzzer's own `main` calls, when the linker keeps that one (`make fuzz`
/// links with `--allow-multiple-definition`: either `main` runs the same inputs).
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  _ = FuzzedScenario.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
  return 0
}
