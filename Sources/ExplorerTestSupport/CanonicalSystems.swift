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
}
