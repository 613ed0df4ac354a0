/// A table of records addressed by `Int32` slots that are reused once released, so that a long
/// run allocates only while the number of live records grows (kubectl invocations, namespaces).
struct SlotPool<Record> {
  private(set) var records: [Record] = []
  private var free: [Int32] = []
  /// What a released slot holds.
  let empty: Record

  init(empty: Record) { self.empty = empty }

  subscript(slot: Int32) -> Record {
    get { records[Int(slot)] }
    set { records[Int(slot)] = newValue }
  }

  /// A slot holding `record`.
  mutating func allocate(_ record: Record) -> Int32 {
    if let slot = free.popLast() {
      records[Int(slot)] = record
      return slot
    }
    records.append(record)
    return Int32(records.count - 1)
  }

  mutating func release(_ slot: Int32) {
    records[Int(slot)] = empty
    free.append(slot)
  }
}
