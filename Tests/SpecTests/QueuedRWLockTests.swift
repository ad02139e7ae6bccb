import Explorer
import Testing

@testable import Spec

/// The model's `rwlock` is the kernel's queued rwlock: a writer that finds it held queues in a
/// step of its own, and readers then wait behind it (issue 16: four guest triples reported a
/// livelock the kernel cannot have while readers could pass a waiting writer).
@Suite struct QueuedRWLockTests {
  static func check(_ source: String, strategy: Strategy = .stateful(shortest: true)) throws
    -> ExplorationResult
  {
    let spec = try LoadedSpec.load(source: source, file: "qrwlock.ept")
    let scenario = try #require(spec.scenarios.first)
    return try Explorer.explore(
      spec.system(for: scenario, loopBounds: false),
      configuration: Configuration(strategy: strategy))
  }

  /// Two readers that retry under the lock, their sections overlapping, against a writer that
  /// ends the retries: with readers free to pass a waiting writer, the writer never ran.
  static let overlappingReaders = """
    rwlock l;
    shared int done = 0;

    void reader() {
        while (true) bound 2 {
            read_lock(&l);
            int d = READ_ONCE(done);
            read_unlock(&l);
            if (d != 0)
                break;
        }
    }

    void writer() {
        write_lock(&l);
        WRITE_ONCE(done, 1);
        write_unlock(&l);
    }

    scenario retrying_readers {
        thread r0 = reader();
        thread r1 = reader();
        thread w = writer();
        expect ok;
    }
    """

  @Test func readersCannotStarveAQueuedWriter() throws {
    let result = try Self.check(Self.overlappingReaders)
    #expect(result.counterexamples.map(\.violation.kind) == [])
    #expect(result.statistics.distinctStates == 18)
  }

  /// A reader that waits, inside its section, for another reader's section deadlocks once a
  /// writer queues between the two `read_lock`s, as under the kernel's qrwlock.
  static let readerWaitsForReader = """
    rwlock l;
    shared int seen = 0;

    void first() {
        read_lock(&l);
        await (seen == 1);
        read_unlock(&l);
    }

    void second() {
        read_lock(&l);
        WRITE_ONCE(seen, 1);
        read_unlock(&l);
    }

    void writer() {
        write_lock(&l);
        write_unlock(&l);
    }

    scenario reader_waits_for_reader {
        thread a = first();
        thread b = second();
        thread w = writer();
        expect violation deadlock;
    }
    """

  @Test func aReaderWaitingForAReaderDeadlocksBehindAQueuedWriter() throws {
    let result = try Self.check(Self.readerWaitsForReader)
    #expect(result.counterexamples.map(\.violation.kind) == ["deadlock"])
    // The shortest: a takes the lock, w queues, b waits behind w.
    #expect(result.counterexamples.first?.trace.steps.map(\.thread) == [0, 2])
  }

  @Test func theWriterPhases() {
    typealias L = QueuedRWLock
    #expect(L.writePhase(0, thread: 2) == .acquire)
    // Held for read by thread 0: thread 2 queues, then waits while the reader stays.
    let read = L.readerBit(0)
    #expect(L.writePhase(read, thread: 2) == .queue)
    #expect(L.writePhase(read | L.waiterBit(2), thread: 2) == .wait)
    // The reader gone, the queued writer takes it, or another writer does first.
    #expect(L.writePhase(L.waiterBit(2), thread: 2) == .acquire)
    #expect(L.writePhase(L.waiterBit(2), thread: 3) == .acquire)
    // A writer holds it: another waits without queuing, queued or not.
    #expect(L.writePhase(L.writerBits(1), thread: 2) == .wait)
    #expect(L.writePhase(L.writerBits(1) | L.waiterBit(2), thread: 2) == .wait)
    #expect(L.isHeldForWrite(L.writerBits(1) | L.waiterBit(2), by: 1))
  }

  @Test func readersWaitBehindAWaitingWriter() {
    typealias L = QueuedRWLock
    #expect(!L.readBlocks(L.readerBit(0), thread: 1))
    #expect(L.readBlocks(L.readerBit(0) | L.waiterBit(2), thread: 1))
    #expect(L.readBlocks(L.writerBits(2), thread: 1))
    // A thread already reading is let through, to be told its read_lock is recursive.
    #expect(!L.readBlocks(L.readerBit(1) | L.waiterBit(2), thread: 1))
  }

  @Test func theDescriptionNamesTheWaitingWriters() {
    typealias L = QueuedRWLock
    let names = { (t: Int) in ["vcpu0", "vcpu1", "zap"][t] }
    #expect(
      L.description(L.readerBit(0) | L.waiterBit(2), names: names) == "read(vcpu0), zap waiting")
    #expect(L.description(L.waiterBit(2), names: names) == "free, zap waiting")
    #expect(L.description(L.writerBits(1), names: names) == "write(vcpu1)")
    #expect(L.description(0, names: names) == "free")
  }
}
