/// The encoding and rules of an `rwlock_t` cell: the kernel's queued rwlock (qrwlock).
///
/// A writer that finds the lock taken does not wait behind readers that keep coming: in
/// `queued_write_lock_slowpath` it takes the wait queue and sets `_QW_WAITING`, and from then on
/// a reader arriving in process context queues behind it instead of adding itself to the count
/// (`queued_read_lock_slowpath`). A lock that let readers overtake a waiting writer would report
/// livelocks the kernel cannot have: two vCPUs faulting under `mmu_lock` for read in turn, with
/// the hole punch's `kvm_gmem_invalidate_end` never getting it for write.
///
/// So `write_lock` on a lock readers hold takes two steps: the first queues the writer (its bit
/// among the waiters) and leaves the thread at the call; the second takes the lock once the
/// readers have drained. While a writer waits, `read_lock` blocks. A writer that finds another
/// writer holding the lock just waits for it, without queuing: readers are kept out by the
/// holder, and if one gets in first when it leaves, the writer queues then. So writers take the
/// lock in any order (the kernel's wait queue is FIFO; any order includes that one), readers may
/// pass a writer once but never starve it, and scenarios where only writers meet cost no step
/// more. Readers in interrupt context, which may overtake a waiting writer, are not modelled.
///
/// Bits 0..<16 are the readers (bit `t` for thread `t`), bits 16..<32 the waiting writers, bit 32
/// the writer and bits 33... its thread.
enum QueuedRWLock {
  static let writerBit: Int64 = 1 << 32
  static let readerMask: Int64 = 0xFFFF
  static let waiterMask: Int64 = 0xFFFF << 16

  /// What a `write_lock` by `thread` does next.
  enum WritePhase {
    /// Takes the lock.
    case acquire
    /// Joins the waiting writers and stays at the call.
    case queue
    /// Waits: queued, for the readers to leave, or for the writer to.
    case wait
  }

  static func writePhase(_ bits: Int64, thread: Int) -> WritePhase {
    if bits & (readerMask | writerBit) == 0 { return .acquire }
    if bits & writerBit == 0, bits & waiterBit(thread) == 0 { return .queue }
    return .wait
  }

  /// Whether a `read_lock` by `thread` must wait: a writer holds the lock or waits for it. A
  /// thread that already holds it for read goes on, to be told its `read_lock` is recursive.
  static func readBlocks(_ bits: Int64, thread: Int) -> Bool {
    if bits & writerBit != 0 { return true }
    return bits & waiterMask != 0 && bits & readerBit(thread) == 0
  }

  @inline(__always) static func readerBit(_ thread: Int) -> Int64 { 1 << Int64(thread) }
  @inline(__always) static func waiterBit(_ thread: Int) -> Int64 { 1 << Int64(16 + thread) }
  @inline(__always) static func writerBits(_ thread: Int) -> Int64 {
    writerBit | Int64(thread) << 33
  }

  /// The holder part of the cell: the writer and its thread, or the readers.
  @inline(__always) static func holders(_ bits: Int64) -> Int64 { bits & ~waiterMask }

  static func isHeldForWrite(_ bits: Int64, by thread: Int) -> Bool {
    holders(bits) == writerBits(thread)
  }

  static func isHeldForRead(_ bits: Int64, by thread: Int) -> Bool {
    bits & writerBit == 0 && bits & readerBit(thread) != 0
  }

  /// `free`, `write(t)` or `read(t,u)`, then the waiting writers: `read(vcpu0), vcpu1 waiting`.
  static func description(_ bits: Int64, names: (Int) -> String) -> String {
    let holder: String
    if bits & writerBit != 0 {
      holder = "write(\(names(Int(holders(bits) >> 33))))"
    } else if bits & readerMask == 0 {
      holder = "free"
    } else {
      let readers = (0..<16).filter { bits & readerBit($0) != 0 }.map(names)
      holder = "read(\(readers.joined(separator: ",")))"
    }
    let waiters = (0..<16).filter { bits & waiterBit($0) != 0 }.map(names)
    if waiters.isEmpty { return holder }
    return "\(holder), \(waiters.joined(separator: ",")) waiting"
  }
}
