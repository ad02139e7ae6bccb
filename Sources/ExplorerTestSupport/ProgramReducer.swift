import Explorer

/// Shrinks a failing `MiniProgram` to a small one that still fails, for bug reports.
///
/// Greedy and to a fixed point: drop a thread, drop an instruction (forward jump targets past it
/// move back by one), drop a final expectation; keep each change while `stillFails` holds.
public enum ProgramReducer {
  public static func reduce(
    _ program: MiniProgram, while stillFails: (MiniProgram) -> Bool
  ) -> MiniProgram {
    var best = program
    var changed = true
    while changed {
      changed = false
      for candidate in candidates(of: best) where stillFails(candidate) {
        best = candidate
        changed = true
        break
      }
    }
    return best
  }

  static func candidates(of program: MiniProgram) -> [MiniProgram] {
    var result: [MiniProgram] = []
    if program.threads.count > 1 {
      for t in program.threads.indices {
        var p = program
        p.threads.remove(at: t)
        result.append(p)
      }
    }
    for e in program.finalExpectations.indices {
      var p = program
      p.finalExpectations.remove(at: e)
      result.append(p)
    }
    for t in program.threads.indices {
      for i in program.threads[t].indices {
        var p = program
        p.threads[t] = removing(i, from: program.threads[t])
        result.append(p)
      }
    }
    if program.initialValues.contains(where: { $0 != 0 }) {
      for x in program.initialValues.indices where program.initialValues[x] != 0 {
        var p = program
        p.initialValues[x] = 0
        result.append(p)
      }
    }
    return result
  }

  static func removing(_ i: Int, from code: [MiniProgram.Instruction]) -> [MiniProgram.Instruction]
  {
    var result = code
    result.remove(at: i)
    for k in result.indices {
      switch result[k] {
      case .jumpIfEqual(let r, let v, let target) where target > i:
        result[k] = .jumpIfEqual(register: r, value: v, target: target - 1)
      case .jump(let target) where target > i:
        result[k] = .jump(target: target - 1)
      default: break
      }
    }
    return result
  }
}
