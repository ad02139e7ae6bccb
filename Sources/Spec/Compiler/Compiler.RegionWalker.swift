import Explorer

extension Compiler {
  /// Walks a region's syntax, collecting the shared variables it names and how.
  struct RegionWalker {
    let compiler: Compiler
    /// Shared variables named, and whether any use may write them.
    var globals: [String: Bool] = [:]
    /// `*p` of a local of the enclosing function, and whether it is written.
    var dereferences: [(name: String, exclusive: Bool)] = []
    var assignedLocals: Set<String> = []
    var everything = false
    var bugsVM = false
    /// Implicit objects the builtins it calls write (`Builtin.implicitWrites`).
    var implicitWrites: Set<Int> = []
    /// Whether the region takes a lock (and so may have to wait for it).
    var acquiresLock = false
    /// Whether the region holds an `await`, itself or in a function it calls: the whole region
    /// then waits until the condition holds where the `await` stands.
    var awaits = false
    /// Names declared inside the region or the callee being walked, innermost last.
    private var declared: [Set<String>] = [[]]
    /// Whether the walk is inside a called function (its locals are not the frame's).
    private var inCallee = false
    private var visiting: Set<Int> = []

    init(compiler: Compiler) { self.compiler = compiler }

    private func isLocal(_ name: String) -> Bool {
      if declared.contains(where: { $0.contains(name) }) { return true }
      return !inCallee && compiler.lookupLocal(name) != nil
    }

    private mutating func use(_ name: String, writes: Bool) {
      if isLocal(name) {
        if writes { assignedLocals.insert(name) }
        return
      }
      guard case .shared? = compiler.globals[name]?.0 else { return }
      globals[name] = (globals[name] ?? false) || writes
    }

    mutating func statement(_ stmt: Stmt) {
      switch stmt.kind {
      case .block(let body):
        declared.append([])
        for s in body { statement(s) }
        declared.removeLast()
      case .local(_, let name, let initial):
        if let initial { expression(initial, writes: false) }
        declared[declared.count - 1].insert(name)
      case .assign(_, let target, let value):
        expression(target, writes: true)
        expression(value, writes: false)
      case .increment(let target, _):
        expression(target, writes: true)
      case .expression(let e):
        expression(e, writes: false)
      case .await(let e):
        awaits = true
        expression(e, writes: false)
      case .select(let arms):
        awaits = true
        for arm in arms {
          if let g = arm.guardCondition { expression(g, writes: false) }
          statement(arm.body)
        }
      case .ifElse(let condition, let then, let otherwise):
        expression(condition, writes: false)
        statement(then)
        if let otherwise { statement(otherwise) }
      case .whileLoop(let condition, _, let body), .doWhile(let body, let condition, _):
        expression(condition, writes: false)
        statement(body)
      case .forLoop(let initial, let condition, let step, _, let body):
        declared.append([])
        if let initial { statement(initial) }
        if let condition { expression(condition, writes: false) }
        if let step { statement(step) }
        statement(body)
        declared.removeLast()
      case .returnValue(let e):
        if let e { expression(e, writes: false) }
      case .atomic(let body):
        statement(body)
      case .assert(let e, _):
        expression(e, writes: false)
      case .breakLoop, .continueLoop, .invalid:
        break
      }
    }

    mutating func expression(_ expr: Expr, writes: Bool) {
      switch expr.kind {
      case .integer, .boolean, .string:
        break
      case .name(let name):
        use(name, writes: writes)
      case .index(let base, let index):
        expression(base, writes: writes)
        expression(index, writes: false)
      case .unary("*", let operand):
        if case .name(let name) = operand.kind, !inCallee,
          !declared.contains(where: { $0.contains(name) }),
          compiler.lookupLocal(name) != nil
        {
          dereferences.append((name, writes))
        } else {
          everything = true
        }
        expression(operand, writes: false)
      case .unary("&", let operand):
        // The address may be used to write through.
        expression(operand, writes: true)
      case .unary(_, let operand):
        expression(operand, writes: false)
      case .binary(_, let a, let b):
        expression(a, writes: false)
        expression(b, writes: false)
      case .ternary(let c, let a, let b):
        expression(c, writes: false)
        expression(a, writes: false)
        expression(b, writes: false)
      case .call(let name, let arguments):
        if name == "KVM_BUG_ON" || name == "TDX_BUG_ON" { bugsVM = true }
        if let builtin = compiler.library.builtins[name] {
          if RegionWalker.acquisitions.contains(name) { acquiresLock = true }
          implicitWrites.formUnion(builtin.implicitWrites)
          let pureLoad = !builtin.isSchedulingPoint || RegionWalker.loads.contains(name)
          for (i, argument) in arguments.enumerated() {
            let mode = i < builtin.parameters.count ? builtin.parameters[i].mode : .value
            switch mode {
            case .value: expression(argument.value, writes: false)
            case .location, .out, .lock:
              expression(argument.value, writes: !pureLoad || mode != .location)
            }
          }
        } else if case .function(let index)? = compiler.globals[name]?.0 {
          for argument in arguments { expression(argument.value, writes: false) }
          guard !visiting.contains(index) else { return }
          visiting.insert(index)
          let decl = compiler.functionDecls[index].decl
          let savedDeclared = declared
          let savedInCallee = inCallee
          declared = [Set(decl.parameters.map(\.name))]
          inCallee = true
          statement(decl.body)
          declared = savedDeclared
          inCallee = savedInCallee
          visiting.remove(index)
        } else {
          for argument in arguments { expression(argument.value, writes: false) }
        }
      }
    }

    /// Builtins that take a lock.
    static let acquisitions: Set<String> = ["spin_lock", "read_lock", "write_lock"]

    /// Builtins that only read their location.
    static let loads: Set<String> = [Library.plainLoad, "READ_ONCE", "atomic_read", "rcu_freed"]
  }
}
