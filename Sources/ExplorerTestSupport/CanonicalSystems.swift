import Explorer

/// The classic small programs of the stateless model-checking literature, as `MiniProgram`s.
public enum CanonicalSystems {
  /// `lastzero(n)` (Abdulla et al. 2014): thread 0 scans `a[n] ... a[0]` for the last zero while
  /// threads `1...n` each set `a[j] = a[j-1] + 1`.
  public static func lastZero(_ n: Int) -> MiniProgram {
    var scanner: [MiniProgram.Instruction] = []
    let done = 2 * (n + 1)
    for i in stride(from: n, through: 0, by: -1) {
      scanner.append(.load(register: 0, variable: i))
      scanner.append(.jumpIfEqual(register: 0, value: 0, target: done))
    }
    var threads = [scanner]
    for j in 1...n {
      threads.append([
        .load(register: 0, variable: j - 1),
        .store(variable: j, value: .register(0, plus: 1)),
      ])
    }
    return MiniProgram(name: "lastzero(\(n))", variables: n + 1, threads: threads)
  }

  /// `n` threads each write their own variable once: no two steps conflict, so the `2^n` states
  /// form a cube that sleep sets cross with one step per state.
  public static func independentWriters(_ n: Int) -> MiniProgram {
    MiniProgram(
      name: "independent-writers(\(n))", variables: n,
      threads: (0..<n).map { [.store(variable: $0, value: .constant(1))] })
  }

  /// Two threads increment `x` with a plain read and a plain write: the update can be lost.
  public static var lostUpdate: MiniProgram {
    let increment: [MiniProgram.Instruction] = [
      .load(register: 0, variable: 0), .store(variable: 0, value: .register(0, plus: 1)),
    ]
    return MiniProgram(
      name: "lost-update", variables: 1, threads: [increment, increment],
      finalExpectations: [(0, 2, "both increments are visible")])
  }

  /// Two threads take two locks in opposite orders.
  public static var twoLockDeadlock: MiniProgram {
    MiniProgram(
      name: "two-lock-deadlock", variables: 0, locks: 2,
      threads: [
        [.lock(0), .lock(1), .unlock(1), .unlock(0)],
        [.lock(1), .lock(0), .unlock(0), .unlock(1)],
      ])
  }

  /// `n` threads increment `x` inside a critical section of one lock: no update is lost.
  public static func lockedCounter(_ n: Int) -> MiniProgram {
    let increment: [MiniProgram.Instruction] = [
      .lock(0), .load(register: 0, variable: 0), .store(variable: 0, value: .register(0, plus: 1)),
      .unlock(0),
    ]
    return MiniProgram(
      name: "locked-counter(\(n))", variables: 1, locks: 1,
      threads: Array(repeating: increment, count: n),
      finalExpectations: [(0, n, "every increment is visible")])
  }

  /// `n` threads increment `x` with a compare-and-exchange, retrying from a fresh load when it
  /// fails. The loop goes backwards, but a CAS fails only after another thread's succeeded, so
  /// every execution terminates.
  public static func casCounter(_ n: Int) -> MiniProgram {
    let increment: [MiniProgram.Instruction] = [
      .load(register: 0, variable: 0),
      .compareExchange(
        register: 1, variable: 0, expected: .register(0, plus: 0), new: .register(0, plus: 1)),
      .jumpIfEqual(register: 1, value: 0, target: 0),
    ]
    return MiniProgram(
      name: "cas-counter(\(n))", variables: 1, threads: Array(repeating: increment, count: n),
      finalExpectations: [(0, n, "every increment is visible")])
  }

  /// `readers(n)` (Abdulla et al. 2014): thread 0 writes `x`, threads `1...n` each read it. The
  /// reads commute with each other, so there are exactly `2^n` Mazurkiewicz traces.
  public static func readers(_ n: Int) -> MiniProgram {
    var threads: [[MiniProgram.Instruction]] = [[.store(variable: 0, value: .constant(1))]]
    for _ in 1...n { threads.append([.load(register: 0, variable: 0)]) }
    return MiniProgram(name: "readers(\(n))", variables: 1, threads: threads)
  }

  /// An indexer-style hash insertion (after Flanagan and Godefroid, POPL 2005): each of `threads`
  /// threads inserts the value `t + 1` into a table of `size` slots (variables `0..<size`) by
  /// compare-and-exchange from 0, probing linearly from slot `(t + 1) % buckets`. With fewer
  /// buckets than threads, insertions collide and probe. A thread that finds no free slot raises
  /// an assertion (it never does while `size >= threads`).
  public static func indexer(threads: Int, size: Int, buckets: Int = 2) -> MiniProgram {
    var code: [[MiniProgram.Instruction]] = []
    for t in 0..<threads {
      let w = t + 1
      let hash = w % buckets
      var thread: [MiniProgram.Instruction] = []
      let end = 2 * size + 1
      for p in 0..<size {
        thread.append(
          .compareExchange(
            register: 0, variable: (hash + p) % size, expected: .constant(0), new: .constant(w)))
        thread.append(.jumpIfEqual(register: 0, value: 1, target: end))
      }
      thread.append(.assertEqual(register: 0, value: 1, message: "the table has a free slot"))
      code.append(thread)
    }
    return MiniProgram(name: "indexer(\(threads), size: \(size))", variables: size, threads: code)
  }
}
