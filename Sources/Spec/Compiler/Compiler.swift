import Explorer

/// Checks a set of parsed files and compiles them into a `Program` in one walk.
///
/// Checking and code generation share the walk because both need the same name resolution and
/// types; every check reports through the sink and compilation goes on, so one load reports
/// every mistake it can find. Locals and temporaries live in frame slots; temporaries are
/// released at the end of each statement.
final class Compiler {
  private let library: Library
  private let sink: DiagnosticSink
  private let programName: String

  // Globals.
  private enum Global {
    case shared(cell: Int, length: Int?, type: SpecType)
    case constant(Value, SpecType)
    case function(Int)
  }
  private var globals: [String: (Global, SourceLocation?)] = [:]
  private var cells: [CellInfo] = []
  private var initialCells: [Value] = []
  private var functionDecls: [(decl: FunctionDecl, file: String)] = []
  private var signatures: [(parameters: [(name: String, type: SpecType)], result: SpecType)] = []
  private var builtins: [Builtin] = []
  private var builtinIndex: [String: Int32] = [:]
  private var texts: [String: [UInt8]] = [:]

  // Output.
  private var ops: [Op] = []
  private var sites: [Site] = []
  private var compiled: [CompiledFunction] = []
  private var scenarios: [CompiledScenario] = []
  private var staticFootprints: [Int32: Footprint] = [:]
  private var regionFootprints: [Int32: RegionFootprint] = [:]

  // Per-function state.
  private struct Local {
    var name: String
    var slot: Int32
    var type: SpecType
    var location: SourceLocation
    var isRead: Bool
    var isParameter: Bool
  }
  private var scopes: [[String: Int]] = []
  private var locals: [Local] = []
  private var nextSlot: Int32 = 0
  private var maxSlot: Int32 = 0
  private var currentFunction: Int32 = 0
  private var currentFile = ""
  private var currentResult: SpecType = .void
  private var currentName = ""
  private struct LoopContext {
    var breaks: [Int] = []
    var continues: [Int] = []
    var atomicDepth: Int
    var hasBreak = false
  }
  private var loops: [LoopContext] = []
  private var atomicDepth = 0
  private enum Context { case function, initBlock, finallyBlock }
  private var context: Context = .function

  init(library: Library, sink: DiagnosticSink, programName: String) {
    self.library = library
    self.sink = sink
    self.programName = programName
    for (i, cell) in library.implicitCells.enumerated() {
      cells.append(CellInfo(name: cell.name, kind: i == Library.rcuCell ? .rcu : .value))
      initialCells.append(cell.initial)
      if cell.isVisible {
        globals[cell.name] = (.shared(cell: i, length: nil, type: cell.type), nil)
      }
    }
    for name in library.builtins.keys.sorted() {
      guard let builtin = library.builtins[name] else { continue }
      builtinIndex[name] = Int32(builtins.count)
      builtins.append(builtin)
    }
  }

  /// Compiles `base` files plus an optional variant file; only `scenarioFiles` contribute scenarios.
  func compile(files: [SourceFile], variant: SourceFile?, scenarioFiles: Set<String>) -> Program? {
    for file in files + (variant.map { [$0] } ?? []) { texts[file.path] = Array(file.text.utf8) }
    for file in files { declare(file, isVariant: false) }
    if let variant { declare(variant, isVariant: true) }
    if cells.count > 256 {
      if let first = (files + (variant.map { [$0] } ?? [])).first {
        sink.warning(
          SourceLocation(file: first.path, line: 0, column: 0),
          "\(cells.count) shared cells: object ids above 255 fold, which is sound but explores more"
        )
      }
    }
    for (index, entry) in functionDecls.enumerated() {
      compileFunction(index, entry.decl, file: entry.file)
    }
    for file in files + (variant.map { [$0] } ?? []) where scenarioFiles.contains(file.path) {
      for scenario in file.scenarios { compileScenario(scenario, file: file.path) }
    }
    if sink.hasErrors { return nil }
    return Program(
      name: programName, ops: ops, sites: sites, functions: compiled, builtins: builtins,
      cells: cells, initialCells: initialCells, scenarios: scenarios,
      vmBuggedCell: Library.vmBuggedCell, finalChecks: library.finalChecks,
      staticFootprints: staticFootprints, regionFootprints: regionFootprints,
      checksPlainRaces: library.checksPlainRaces)
  }

  // MARK: Declarations

  private func describe(_ global: Global) -> String {
    switch global {
    case .shared: return "shared variable"
    case .constant: return "constant"
    case .function: return "function"
    }
  }

  private func checkNewGlobal(_ name: String, _ location: SourceLocation) -> Bool {
    if library.builtins[name] != nil || Compiler.specialForms.contains(name) {
      sink.error(location, "'\(name)' is a builtin and cannot be redefined")
      return false
    }
    if library.constants[name] != nil {
      sink.error(location, "'\(name)' is a built-in constant and cannot be redefined")
      return false
    }
    if let (existing, at) = globals[name] {
      let whereText = at.map { " at \($0)" } ?? ""
      sink.error(location, "'\(name)' is already declared as a \(describe(existing))\(whereText)")
      return false
    }
    return true
  }

  func resolveType(_ ref: TypeRef) -> SpecType {
    guard let base = library.typeNames[ref.name] else {
      sink.error(ref.location, "unknown type '\(ref.name)'")
      return .any
    }
    if ref.isPointer {
      if base == .rwlock || base == .spinlock { return base }
      return .pointer
    }
    return base
  }

  private func declare(_ file: SourceFile, isVariant: Bool) {
    currentFile = file.path
    for constant in file.constants {
      let type = resolveType(constant.type)
      guard let (value, valueType) = constantValue(constant.value) else {
        sink.error(
          constant.value.location,
          "the value of constant '\(constant.name)' must be a constant expression")
        continue
      }
      if !valueType.isAssignable(to: type) {
        sink.error(
          constant.value.location,
          "cannot initialise constant '\(constant.name)' of type \(type) with a value of type \(valueType)"
        )
      }
      if checkNewGlobal(constant.name, constant.location) {
        globals[constant.name] = (.constant(value, type), constant.location)
      }
    }
    for shared in file.shareds {
      let type = resolveType(shared.type)
      var length: Int? = nil
      if let lengthExpr = shared.length {
        if let (value, _) = constantValue(lengthExpr), value.tag == .int {
          if value.bits < 1 || value.bits > 256 {
            sink.error(
              lengthExpr.location, "array length must be between 1 and 256, not \(value.bits)")
            continue
          }
          length = Int(value.bits)
        } else {
          sink.error(lengthExpr.location, "array length must be a constant integer")
          continue
        }
      }
      if type == .void {
        sink.error(shared.type.location, "shared variable '\(shared.name)' cannot have type void")
        continue
      }
      let isLock = type == .rwlock || type == .spinlock
      if isLock, !shared.initial.isEmpty {
        sink.error(shared.initial[0].location, "locks start free and take no initial value")
      }
      let count = length ?? 1
      if !isLock, shared.initial.count > count {
        sink.error(
          shared.initial[count].location,
          "too many initial values for '\(shared.name)': it has \(count) element\(count == 1 ? "" : "s")"
        )
      }
      guard checkNewGlobal(shared.name, shared.location) else { continue }
      let base = cells.count
      for i in 0..<count {
        var initial = Value.zero
        if type == .bool { initial = .bool(false) }
        if type == .spte { initial = SPTE(kind: .nonPresent).value }
        if !isLock, i < shared.initial.count {
          if let (value, valueType) = constantValue(shared.initial[i]) {
            if !valueType.isAssignable(to: type) {
              sink.error(
                shared.initial[i].location,
                "cannot initialise '\(shared.name)' of type \(type) with a value of type \(valueType)"
              )
            }
            initial = value
          } else {
            sink.error(
              shared.initial[i].location,
              "the initial value of '\(shared.name)' must be a constant expression")
          }
        }
        let kind: CellInfo.Kind = type == .rwlock ? .rwlock : type == .spinlock ? .spinlock : .value
        cells.append(
          CellInfo(name: length == nil ? shared.name : "\(shared.name)[\(i)]", kind: kind))
        initialCells.append(initial)
      }
      globals[shared.name] = (.shared(cell: base, length: length, type: type), shared.location)
    }
    for function in file.functions {
      var parameters: [(name: String, type: SpecType)] = []
      var seen: Set<String> = []
      for parameter in function.parameters {
        if !seen.insert(parameter.name).inserted {
          sink.error(
            parameter.location, "duplicate parameter '\(parameter.name)' in '\(function.name)'")
        }
        let type = parameter.type.map(resolveType) ?? .any
        if type == .void {
          sink.error(parameter.location, "parameter '\(parameter.name)' cannot have type void")
        }
        parameters.append((parameter.name, type))
      }
      let result = resolveType(function.returnType)
      if case .function(let existing)? = globals[function.name]?.0 {
        let previous = functionDecls[existing].decl
        if isVariant && function.isOverride && functionDecls[existing].file != file.path {
          functionDecls[existing] = (function, file.path)
          signatures[existing] = (parameters, result)
          continue
        }
        if isVariant && !function.isOverride && previous.location.file != file.path {
          sink.error(
            function.location,
            "'\(function.name)' is already defined in the base at \(previous.location); mark it 'override' to replace it"
          )
        } else {
          sink.error(
            function.location,
            "duplicate function '\(function.name)' (first defined at \(previous.location))")
        }
        continue
      }
      if function.isOverride {
        if isVariant {
          sink.error(
            function.location,
            "'override' of unknown function '\(function.name)': the base defines no such function")
        } else {
          sink.error(
            function.location,
            "'override' is only allowed in a variant file (one that starts with 'variant of \"...\";')"
          )
        }
        continue
      }
      guard checkNewGlobal(function.name, function.location) else { continue }
      globals[function.name] = (.function(functionDecls.count), function.location)
      functionDecls.append((function, file.path))
      signatures.append((parameters, result))
    }
  }

  // MARK: Constants

  /// Evaluates a constant expression, without diagnostics; nil if it is not constant.
  func constantValue(_ expr: Expr) -> (Value, SpecType)? {
    switch expr.kind {
    case .integer(let v): return (.int(v), .int)
    case .boolean(let b): return (.bool(b), .bool)
    case .name(let name):
      if let (type, value) = library.constants[name] { return (value, type) }
      guard let (global, _) = globals[name] else { return nil }
      switch global {
      case .constant(let value, let type): return (value, type)
      case .shared(let cell, nil, let type) where type == .rwlock || type == .spinlock:
        return (.pointer(cell), type)
      default: return nil
      }
    case .unary(let op, let operand):
      if op == "&" {
        switch operand.kind {
        case .name(let name):
          if case .shared(let cell, nil, let type)? = globals[name]?.0 {
            return (.pointer(cell), type == .rwlock || type == .spinlock ? type : .pointer)
          }
          return nil
        case .index(let array, let index):
          guard case .name(let name) = array.kind,
            case .shared(let cell, let length?, let type)? = globals[name]?.0,
            let (i, _) = constantValue(index), i.bits >= 0, i.bits < Int64(length)
          else { return nil }
          return (
            .pointer(cell + Int(i.bits)), type == .rwlock || type == .spinlock ? type : .pointer
          )
        default: return nil
        }
      }
      guard let (v, type) = constantValue(operand) else { return nil }
      switch op {
      case "-": return (.int(0 &- v.bits), type == .bool ? .int : type)
      case "~": return (.int(~v.bits), .int)
      case "!": return (.bool(!v.isTrue), .bool)
      default: return nil
      }
    case .binary(let op, let left, let right):
      guard let (a, ta) = constantValue(left), let (b, _) = constantValue(right),
        let binary = Compiler.binaryOps[op]
      else {
        if op == "&&" || op == "||", let (a, _) = constantValue(left),
          let (b, _) = constantValue(right)
        {
          return (.bool(op == "&&" ? a.isTrue && b.isTrue : a.isTrue || b.isTrue), .bool)
        }
        return nil
      }
      guard let result = Interpreter.binary(binary, a, b) else { return nil }
      return (result, result.tag == .bool ? .bool : ta == .spte ? .int : ta)
    case .ternary(let c, let a, let b):
      guard let (cv, _) = constantValue(c) else { return nil }
      return constantValue(cv.isTrue ? a : b)
    default:
      return nil
    }
  }

  static let binaryOps: [String: BinaryOp] = [
    "+": .add, "-": .subtract, "*": .multiply, "/": .divide, "%": .remainder, "&": .and,
    "|": .or, "^": .xor, "<<": .shiftLeft, ">>": .shiftRight, "==": .equal, "!=": .notEqual,
    "<": .less, "<=": .lessEqual, ">": .greater, ">=": .greaterEqual,
  ]

  static let specialForms: Set<String> = Set([
    "KVM_BUG_ON", "WARN_ON", "WARN_ON_ONCE", "BUG_ON", "call_rcu", "TDX_BUG_ON",
  ]).union(invariantForms.keys)

  /// The model's invariant checks, each raising its violation kind when its condition holds.
  static let invariantForms: [String: InvariantKind] = [
    "DIVERGENCE_ON": .divergence, "FROZEN_LEFTOVER_ON": .frozenLeftover,
    "ZAP_POLICY_ON": .zapPolicy, "USE_AFTER_FREE_ON": .useAfterFree,
    "LOCK_MISUSE_ON": .lockMisuse, "RACE_ON": .race,
  ]

  // MARK: Emission

  private func emit(_ op: Op, _ location: SourceLocation, text: String = "") -> Int {
    ops.append(op)
    sites.append(Site(location: location, text: text, function: currentFunction))
    return ops.count - 1
  }

  private func patch(_ at: Int, target: Int) {
    let t = Int32(target)
    switch ops[at] {
    case .jump: ops[at] = .jump(target: t)
    case .branchFalse(let c, _): ops[at] = .branchFalse(condition: c, target: t)
    case .branchTrue(let c, _): ops[at] = .branchTrue(condition: c, target: t)
    case .atomicBegin: ops[at] = .atomicBegin(end: t)
    case .awaitBegin: ops[at] = .awaitBegin(end: t)
    default: break
    }
  }

  private func temp() -> Int32 {
    let slot = nextSlot
    nextSlot += 1
    maxSlot = max(maxSlot, nextSlot)
    return slot
  }

  private func text(_ expr: Expr) -> String {
    guard let bytes = texts[expr.location.file], expr.start >= 0, expr.end <= bytes.count,
      expr.start <= expr.end
    else { return "" }
    return String(decoding: bytes[expr.start..<expr.end], as: UTF8.self)
  }

  // MARK: Functions

  private func beginBody(function: Int32, file: String) {
    scopes = [[:]]
    locals = []
    nextSlot = 0
    maxSlot = 0
    loops = []
    atomicDepth = 0
    currentFunction = function
    currentFile = file
  }

  private func declareLocal(
    _ name: String, _ type: SpecType, _ location: SourceLocation, parameter: Bool
  ) -> Int32 {
    if scopes[scopes.count - 1][name] != nil {
      sink.error(location, "'\(name)' is already declared in this scope")
    } else if !parameter, lookupLocal(name) != nil {
      sink.warning(location, "local variable '\(name)' shadows an outer variable of the same name")
    } else if case .shared? = globals[name]?.0 {
      sink.warning(location, "local variable '\(name)' shadows the shared variable '\(name)'")
    }
    let slot = temp()
    scopes[scopes.count - 1][name] = locals.count
    locals.append(
      Local(
        name: name, slot: slot, type: type, location: location, isRead: parameter,
        isParameter: parameter))
    return slot
  }

  private func lookupLocal(_ name: String) -> Int? {
    for scope in scopes.reversed() { if let index = scope[name] { return index } }
    return nil
  }

  private func compileFunction(_ index: Int, _ decl: FunctionDecl, file: String) {
    beginBody(function: Int32(index), file: file)
    currentResult = signatures[index].result
    currentName = decl.name
    context = .function
    let entry = Int32(ops.count)
    for (i, parameter) in decl.parameters.enumerated() {
      _ = declareLocal(
        parameter.name, signatures[index].parameters[i].type, parameter.location, parameter: true)
    }
    let fallsThrough = statement(decl.body)
    if fallsThrough {
      if currentResult != .void {
        sink.error(
          decl.location, "missing return in function '\(decl.name)', which returns \(currentResult)"
        )
      }
      _ = emit(.ret(src: -1), decl.location)
    }
    reportUnusedLocals()
    compiled.append(
      CompiledFunction(
        name: decl.name, location: decl.location, kernel: decl.kernel, isProgress: decl.isProgress,
        entry: entry,
        slotCount: maxSlot, parameterCount: decl.parameters.count))
  }

  private func reportUnusedLocals() {
    for local in locals where !local.isRead && !local.isParameter {
      sink.warning(local.location, "local variable '\(local.name)' is never read")
    }
  }

  private func compileBlockFunction(
    _ block: Stmt, name: String, file: String, context: Context,
    parameters: [(name: String, type: SpecType, location: SourceLocation)] = []
  ) -> Int32 {
    let index = Int32(compiled.count)
    beginBody(function: index, file: file)
    currentResult = .void
    currentName = name
    self.context = context
    for parameter in parameters {
      _ = declareLocal(parameter.name, parameter.type, parameter.location, parameter: true)
    }
    let entry = Int32(ops.count)
    _ = statement(block)
    _ = emit(.ret(src: -1), block.location)
    reportUnusedLocals()
    compiled.append(
      CompiledFunction(
        name: name, location: block.location, kernel: nil, isProgress: false, entry: entry,
        slotCount: maxSlot,
        parameterCount: parameters.count))
    self.context = .function
    return index
  }

  // MARK: Statements

  /// Compiles a statement; returns whether control can fall through it.
  private func statement(_ stmt: Stmt) -> Bool {
    let mark = nextSlot
    switch stmt.kind {
    case .invalid:
      return true
    case .block(let statements):
      scopes.append([:])
      let localMark = nextSlot
      var reachable = true
      var warned = false
      for s in statements {
        if !reachable, !warned {
          if case .invalid = s.kind {
          } else {
            sink.warning(s.location, "this statement is never executed")
            warned = true
          }
        }
        let falls = statement(s)
        if reachable && !falls { reachable = false }
      }
      scopes.removeLast()
      nextSlot = localMark
      return reachable
    case .local(let typeRef, let name, let initial):
      let type = resolveType(typeRef)
      if type == .void { sink.error(typeRef.location, "variable '\(name)' cannot have type void") }
      if type == .rwlock || type == .spinlock {
        sink.error(typeRef.location, "locks must be declared at top level, not as local variables")
      }
      if let initial {
        // Evaluate before declaring, so `int x = x;` sees the outer x.
        let mark = nextSlot
        let value = expression(initial)
        nextSlot = mark
        let slot = declareLocal(name, type, stmt.location, parameter: false)
        checkAssignable(
          value.type, to: type, initial.location,
          "cannot initialise '\(name)' of type \(type) with a value of type \(value.type)")
        _ = emit(.move(dst: slot, src: value.slot), stmt.location)
      } else {
        let slot = declareLocal(name, type, stmt.location, parameter: false)
        let zero: Value =
          type == .bool ? .bool(false) : type == .spte ? SPTE(kind: .nonPresent).value : .zero
        _ = emit(.constant(dst: slot, value: zero), stmt.location)
      }
      return true
    case .assign(let op, let target, let value):
      assign(op: op, target: target, value: value, location: stmt.location)
      nextSlot = mark
      return true
    case .increment(let target, let delta):
      let one = Expr(kind: .integer(1), location: stmt.location, start: target.end, end: target.end)
      assign(op: delta > 0 ? "+=" : "-=", target: target, value: one, location: stmt.location)
      nextSlot = mark
      return true
    case .expression(let expr):
      if case .call = expr.kind {
        _ = expression(expr, needValue: false)
      } else {
        sink.warning(expr.location, "expression result is unused")
        _ = expression(expr)
      }
      nextSlot = mark
      return true
    case .ifElse(let condition, let then, let otherwise):
      let c = conditionValue(condition)
      let branch = emit(.branchFalse(condition: c, target: 0), condition.location)
      nextSlot = mark
      let thenFalls = statement(then)
      if let otherwise {
        let skip = emit(.jump(target: 0), stmt.location)
        patch(branch, target: ops.count)
        let elseFalls = statement(otherwise)
        patch(skip, target: ops.count)
        return thenFalls || elseFalls
      }
      patch(branch, target: ops.count)
      return true
    case .whileLoop(let condition, let boundExpr, let body):
      let bound = loopBound(boundExpr, implicit: nil, at: stmt.location, isFor: false)
      let counter = temp()
      _ = emit(.constant(dst: counter, value: .zero), stmt.location)
      let top = ops.count
      let constantTrue = constantValue(condition).map { $0.0.isTrue } ?? false
      let c = conditionValue(condition)
      let exit = emit(.branchFalse(condition: c, target: 0), condition.location)
      _ = emit(
        .loopCheck(counter: counter, bound: bound, isRetry: true), stmt.location,
        text: "while (\(text(condition)))")
      loops.append(LoopContext(atomicDepth: atomicDepth))
      _ = statement(body)
      let loop = loops.removeLast()
      _ = emit(.jump(target: Int32(top)), stmt.location)
      for at in loop.continues { patch(at, target: top) }
      patch(exit, target: ops.count)
      for at in loop.breaks { patch(at, target: ops.count) }
      nextSlot = mark
      return !(constantTrue && !loop.hasBreak)
    case .doWhile(let body, let condition, let boundExpr):
      let bound = loopBound(boundExpr, implicit: nil, at: stmt.location, isFor: false)
      let counter = temp()
      _ = emit(.constant(dst: counter, value: .zero), stmt.location)
      let top = ops.count
      _ = emit(
        .loopCheck(counter: counter, bound: bound, isRetry: true), stmt.location,
        text: "do ... while (\(text(condition)))")
      loops.append(LoopContext(atomicDepth: atomicDepth))
      _ = statement(body)
      let loop = loops.removeLast()
      let continueTarget = ops.count
      let constantTrue = constantValue(condition).map { $0.0.isTrue } ?? false
      let c = conditionValue(condition)
      _ = emit(.branchTrue(condition: c, target: Int32(top)), condition.location)
      for at in loop.continues { patch(at, target: continueTarget) }
      for at in loop.breaks { patch(at, target: ops.count) }
      nextSlot = mark
      return !(constantTrue && !loop.hasBreak)
    case .forLoop(let initial, let condition, let step, let boundExpr, let body):
      scopes.append([:])
      if let initial { _ = statement(initial) }
      let implicit = staticIterations(initial: initial, condition: condition, step: step)
      let bound = loopBound(boundExpr, implicit: implicit, at: stmt.location, isFor: true)
      let counter = temp()
      _ = emit(.constant(dst: counter, value: .zero), stmt.location)
      let top = ops.count
      var exit: Int? = nil
      let loopMark = nextSlot
      if let condition {
        let c = conditionValue(condition)
        exit = emit(.branchFalse(condition: c, target: 0), condition.location)
        nextSlot = loopMark
      }
      _ = emit(
        .loopCheck(counter: counter, bound: bound, isRetry: implicit == nil), stmt.location,
        text: "for (...)")
      loops.append(LoopContext(atomicDepth: atomicDepth))
      _ = statement(body)
      let loop = loops.removeLast()
      let continueTarget = ops.count
      if let step { _ = statement(step) }
      _ = emit(.jump(target: Int32(top)), stmt.location)
      for at in loop.continues { patch(at, target: continueTarget) }
      if let exit { patch(exit, target: ops.count) }
      for at in loop.breaks { patch(at, target: ops.count) }
      scopes.removeLast()
      nextSlot = mark
      let constantTrue = condition.map { constantValue($0).map { $0.0.isTrue } ?? false } ?? true
      return !(constantTrue && !loop.hasBreak)
    case .returnValue(let value):
      if atomicDepth > 0 { sink.error(stmt.location, "'return' cannot leave an 'atomic' block") }
      if context != .function {
        sink.error(
          stmt.location,
          "'return' is not allowed in an '\(context == .initBlock ? "init" : "finally")' block")
      }
      if let value {
        let v = expression(value)
        if currentResult == .void {
          sink.error(value.location, "void function '\(currentName)' cannot return a value")
        } else {
          checkAssignable(
            v.type, to: currentResult, value.location,
            "cannot return a value of type \(v.type) from '\(currentName)', which returns \(currentResult)"
          )
        }
        _ = emit(.ret(src: v.slot), stmt.location)
      } else {
        if currentResult != .void {
          sink.error(
            stmt.location, "function '\(currentName)' must return a value of type \(currentResult)")
        }
        _ = emit(.ret(src: -1), stmt.location)
      }
      nextSlot = mark
      return false
    case .breakLoop, .continueLoop:
      let isBreak: Bool
      if case .breakLoop = stmt.kind { isBreak = true } else { isBreak = false }
      let word = isBreak ? "break" : "continue"
      guard !loops.isEmpty else {
        sink.error(stmt.location, "'\(word)' outside a loop")
        return false
      }
      if loops[loops.count - 1].atomicDepth != atomicDepth {
        sink.error(stmt.location, "'\(word)' cannot leave an 'atomic' block")
      }
      let at = emit(.jump(target: 0), stmt.location)
      if isBreak {
        loops[loops.count - 1].breaks.append(at)
        loops[loops.count - 1].hasBreak = true
      } else {
        loops[loops.count - 1].continues.append(at)
      }
      return false
    case .atomic(let body):
      if context != .function { sink.error(stmt.location, "'atomic' is only allowed in functions") }
      let begin = emit(.atomicBegin(end: 0), stmt.location, text: "atomic { ... }")
      regionFootprints[Int32(begin)] = regionFootprint(body: body, condition: nil)
      atomicDepth += 1
      let falls = statement(body)
      atomicDepth -= 1
      _ = emit(.atomicEnd, stmt.location)
      patch(begin, target: ops.count)
      recordStaticFootprint(begin: begin, end: ops.count)
      if !touchesShared(begin + 1, ops.count) {
        sink.warning(stmt.location, "'atomic' block touches no shared state")
      }
      return falls
    case .await(let condition):
      if context != .function { sink.error(stmt.location, "'await' is only allowed in functions") }
      let begin = emit(.awaitBegin(end: 0), stmt.location, text: "await (\(text(condition)))")
      regionFootprints[Int32(begin)] = regionFootprint(body: nil, condition: condition)
      atomicDepth += 1
      let c = conditionValue(condition)
      atomicDepth -= 1
      _ = emit(.awaitEnd(condition: c), stmt.location)
      patch(begin, target: ops.count)
      recordStaticFootprint(begin: begin, end: ops.count)
      if !touchesShared(begin + 1, ops.count) {
        sink.warning(
          stmt.location, "'await' condition reads no shared state: once false it stays false")
      }
      nextSlot = mark
      return true
    case .assert(let condition, let message):
      let c = conditionValue(condition)
      _ = emit(
        .check(.assert, condition: c), stmt.location, text: message ?? "assert(\(text(condition)))")
      nextSlot = mark
      return true
    }
  }

  /// Every access an `atomic` or `await` region may make, when the region's loads and stores
  /// all name their cells directly (a shared variable or an array, not a pointer or a call).
  ///
  /// The dry run gives the accesses of the path taken in the current state; adding the others
  /// makes the footprint the same in every state. That is not needed for soundness, but a
  /// blocking step whose footprint changes with the state (`await (x != 1 || y == 0)` reads
  /// `y` only when `x == 1`) can cost optimal DPOR sleep-set-blocked executions.
  private func recordStaticFootprint(begin: Int, end: Int) {
    var footprint = Footprint()
    var pointers: [Int32: [Int]] = [:]
    for pc in (begin + 1)..<end {
      switch ops[pc] {
      case .constant(let dst, let value):
        pointers[dst] = value.tag == .pointer ? [Int(value.bits)] : nil
      case .element(let dst, let base, let length, _):
        pointers[dst] = Array(Int(base)..<Int(base + length))
      case .move(let dst, let src):
        pointers[dst] = pointers[src]
      case .visible(let builtin, let base, _, _, _):
        let fast = builtins[Int(builtin)].fastPath
        guard fast == .load || fast == .store, let cells = pointers[base] else { return }
        for cell in cells { footprint.insert(object: cell, mode: fast == .load ? .read : .write) }
      case .call, .local: return
      case .unary(_, let dst, _), .binary(_, let dst, _, _): pointers[dst] = nil
      default: break
      }
    }
    staticFootprints[Int32(begin)] = footprint
  }

  /// Whether the instructions in `from..<to` may touch shared state (a visible step or a call).
  private func touchesShared(_ from: Int, _ to: Int) -> Bool {
    guard from < to else { return false }
    for pc in from..<to {
      switch ops[pc] {
      case .visible, .call, .check(.kvmBugOn, _): return true
      default: continue
      }
    }
    return false
  }

  private func checkAssignable(
    _ from: SpecType, to: SpecType, _ location: SourceLocation, _ message: String
  ) {
    if from == .void {
      sink.error(location, "a void call has no value to use")
    } else if !from.isAssignable(to: to) {
      sink.error(location, message)
    }
  }

  private func loopBound(_ expr: Expr?, implicit: Int?, at location: SourceLocation, isFor: Bool)
    -> Int32
  {
    if let expr {
      guard let (value, _) = constantValue(expr), value.tag == .int else {
        sink.error(expr.location, "loop bound must be a constant integer")
        return 1
      }
      guard value.bits >= 1, value.bits <= 1_000_000 else {
        sink.error(expr.location, "loop bound must be between 1 and 1000000, not \(value.bits)")
        return 1
      }
      return Int32(value.bits)
    }
    if let implicit { return Int32(max(implicit, 0)) }
    if isFor {
      sink.error(
        location,
        "loop needs a bound: write 'for (i = A; i < B; i++)' with constant A and B, or add 'bound N' after ')'"
      )
    } else {
      sink.error(
        location,
        "loop needs a bound: add 'bound N' after the condition, as in 'while (cond) bound 8 { ... }'"
      )
    }
    return 1
  }

  /// The iteration count of `for (i = A; i op B; i += c)` with constant A, B and c.
  private func staticIterations(initial: Stmt?, condition: Expr?, step: Stmt?) -> Int? {
    guard let initial, let condition, let step else { return nil }
    var variable: String
    var start: Int64
    switch initial.kind {
    case .local(_, let name, let value?):
      guard let (v, _) = constantValue(value) else { return nil }
      variable = name
      start = v.bits
    case .assign("=", let target, let value):
      guard case .name(let name) = target.kind, let (v, _) = constantValue(value) else {
        return nil
      }
      variable = name
      start = v.bits
    default: return nil
    }
    var delta: Int64
    switch step.kind {
    case .increment(let target, let d):
      guard case .name(variable) = target.kind else { return nil }
      delta = d
    case .assign(let op, let target, let value) where op == "+=" || op == "-=":
      guard case .name(variable) = target.kind, let (v, _) = constantValue(value), v.bits != 0
      else { return nil }
      delta = op == "+=" ? v.bits : -v.bits
    default: return nil
    }
    guard case .binary(let op, let left, let right) = condition.kind,
      case .name(variable) = left.kind,
      let (limitValue, _) = constantValue(right)
    else { return nil }
    let limit = limitValue.bits
    var count: Int64
    switch (op, delta > 0) {
    case ("<", true): count = limit > start ? (limit - start + delta - 1) / delta : 0
    case ("<=", true): count = limit >= start ? (limit - start) / delta + 1 : 0
    case (">", false): count = start > limit ? (start - limit + (-delta) - 1) / -delta : 0
    case (">=", false): count = start >= limit ? (start - limit) / -delta + 1 : 0
    case ("!=", _):
      guard (limit - start) % delta == 0, (limit - start) / delta >= 0 else { return nil }
      count = (limit - start) / delta
    default: return nil
    }
    guard count <= 1_000_000 else { return nil }
    return Int(count)
  }

  // MARK: Assignment

  private func assign(op: String, target: Expr, value: Expr, location: SourceLocation) {
    let binary: BinaryOp? = op == "=" ? nil : Compiler.binaryOps[String(op.dropLast())]
    switch target.kind {
    case .name(let name):
      if let index = lookupLocal(name) {
        let local = locals[index]
        var v = expression(value)
        if let binary {
          requireNumeric(local.type, target.location, op)
          requireNumeric(v.type, value.location, op)
          let t = temp()
          _ = emit(.binary(binary, dst: t, a: local.slot, b: v.slot), location)
          v = Operand(slot: t, type: .int)
        } else {
          checkAssignable(
            v.type, to: local.type, value.location,
            "cannot assign a value of type \(v.type) to '\(name)' of type \(local.type)")
        }
        _ = emit(.move(dst: local.slot, src: v.slot), location)
        return
      }
      guard let (global, _) = globals[name] else {
        if library.constants[name] != nil {
          sink.error(target.location, "cannot assign to constant '\(name)'")
        } else {
          sink.error(target.location, "unknown name '\(name)'")
        }
        _ = expression(value)
        return
      }
      switch global {
      case .constant:
        sink.error(target.location, "cannot assign to constant '\(name)'")
        _ = expression(value)
      case .function:
        sink.error(target.location, "cannot assign to function '\(name)'")
        _ = expression(value)
      case .shared(_, let length?, _):
        sink.error(
          target.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        _ = expression(value)
      case .shared(let cell, nil, let type):
        if type == .rwlock || type == .spinlock {
          sink.error(
            target.location, "cannot assign to lock '\(name)'; use its lock and unlock builtins")
          _ = expression(value)
          return
        }
        let pointer = temp()
        _ = emit(.constant(dst: pointer, value: .pointer(cell)), target.location)
        storeThrough(
          pointer: pointer, elementType: type, op: op, binary: binary, target: target, value: value,
          location: location)
      }
    case .index:
      guard let (pointer, type) = elementPointer(target) else {
        _ = expression(value)
        return
      }
      storeThrough(
        pointer: pointer, elementType: type, op: op, binary: binary, target: target, value: value,
        location: location)
    case .unary("*", let operand):
      let p = expression(operand)
      if p.type != .pointer && p.type != .any {
        sink.error(operand.location, "cannot dereference a value of type \(p.type)")
      }
      storeThrough(
        pointer: p.slot, elementType: .any, op: op, binary: binary, target: target, value: value,
        location: location)
    default:
      sink.error(target.location, "the left side of '\(op)' is not assignable")
      _ = expression(value)
    }
  }

  /// `*pointer op= value` as a plain load (for compound assignments) and a plain store.
  private func storeThrough(
    pointer: Int32, elementType: SpecType, op: String, binary: BinaryOp?, target: Expr, value: Expr,
    location: SourceLocation
  ) {
    let args = temp()
    let valueSlot = temp()
    _ = emit(.move(dst: args, src: pointer), location)
    if let binary {
      let old = temp()
      emitBuiltin(
        Library.plainLoad, base: args, count: 1, dst: old, out: -1, location: target.location,
        text: text(target))
      let v = expression(value)
      requireNumeric(elementType, target.location, op)
      requireNumeric(v.type, value.location, op)
      _ = emit(.binary(binary, dst: valueSlot, a: old, b: v.slot), location)
    } else {
      let v = expression(value, into: valueSlot)
      checkAssignable(
        v.type, to: elementType, value.location,
        "cannot assign a value of type \(v.type) to '\(text(target))' of type \(elementType)")
    }
    // `x++` arrives as `x += 1` with a synthetic, empty-ranged `1`.
    let shown =
      value.start == value.end
      ? "\(text(target))\(op == "+=" ? "++" : "--")" : "\(text(target)) \(op) \(text(value))"
    emitBuiltin(
      Library.plainStore, base: args, count: 2, dst: -1, out: -1, location: location, text: shown)
  }

  private func emitBuiltin(
    _ name: String, base: Int32, count: Int32, dst: Int32, out: Int32, location: SourceLocation,
    text: String
  ) {
    guard let index = builtinIndex[name] else { return }
    let builtin = builtins[Int(index)]
    if builtin.isSchedulingPoint {
      _ = emit(
        .visible(builtin: index, argumentBase: base, argumentCount: count, dst: dst, out: out),
        location, text: text)
    } else {
      _ = emit(
        .local(builtin: index, argumentBase: base, argumentCount: count, dst: dst, out: out),
        location, text: text)
    }
  }

  /// The pointer to `array[index]` in a fresh slot, with the element type.
  private func elementPointer(_ expr: Expr) -> (Int32, SpecType)? {
    guard case .index(let array, let index) = expr.kind else { return nil }
    guard case .name(let name) = array.kind else {
      sink.error(array.location, "only shared arrays can be indexed")
      return nil
    }
    if lookupLocal(name) != nil {
      sink.error(
        array.location, "'\(name)' is a local variable, not a shared array; it cannot be indexed")
      return nil
    }
    guard case .shared(let cell, let length, let type)? = globals[name]?.0 else {
      if globals[name] == nil && library.constants[name] == nil {
        sink.error(array.location, "unknown name '\(name)'")
      } else {
        sink.error(array.location, "'\(name)' is not a shared array; it cannot be indexed")
      }
      return nil
    }
    guard let length else {
      sink.error(array.location, "'\(name)' is not an array; it cannot be indexed")
      return nil
    }
    let i = expression(index)
    requireNumeric(i.type, index.location, "[]")
    if let (v, _) = constantValue(index), v.bits < 0 || v.bits >= Int64(length) {
      sink.error(
        index.location,
        "index \(v.bits) is out of bounds for '\(name)', which has \(length) elements")
    }
    let dst = temp()
    _ = emit(
      .element(dst: dst, base: Int32(cell), length: Int32(length), index: i.slot), expr.location,
      text: text(expr))
    return (dst, type)
  }

  private func requireNumeric(_ type: SpecType, _ location: SourceLocation, _ op: String) {
    if !(type.isNumeric || type == .spte) {
      sink.error(location, "operator '\(op)' needs int or bool operands, not \(type)")
    }
  }

  // MARK: Expressions

  struct Operand {
    var slot: Int32
    var type: SpecType
  }

  private func conditionValue(_ expr: Expr) -> Int32 {
    let v = expression(expr)
    if !(v.type.isNumeric || v.type == .spte) {
      sink.error(expr.location, "a condition must be int or bool, not \(v.type)")
    }
    return v.slot
  }

  private func place(_ slot: Int32, into: Int32?, _ location: SourceLocation) -> Int32 {
    guard let into, into != slot else { return slot }
    _ = emit(.move(dst: into, src: slot), location)
    return into
  }

  private func constant(_ value: Value, _ type: SpecType, into: Int32?, _ location: SourceLocation)
    -> Operand
  {
    let dst = into ?? temp()
    _ = emit(.constant(dst: dst, value: value), location)
    return Operand(slot: dst, type: type)
  }

  private func invalid(into: Int32?) -> Operand { Operand(slot: into ?? temp(), type: .any) }

  func expression(_ expr: Expr, into: Int32? = nil, needValue: Bool = true) -> Operand {
    switch expr.kind {
    case .integer(let v):
      return constant(.int(v), .int, into: into, expr.location)
    case .boolean(let b):
      return constant(.bool(b), .bool, into: into, expr.location)
    case .string:
      sink.error(
        expr.location,
        "string literals are only allowed as 'assert' messages and '@kernel' arguments")
      return invalid(into: into)
    case .name(let name):
      if let index = lookupLocal(name) {
        locals[index].isRead = true
        let local = locals[index]
        return Operand(slot: place(local.slot, into: into, expr.location), type: local.type)
      }
      if let (type, value) = library.constants[name] {
        return constant(value, type, into: into, expr.location)
      }
      guard let (global, _) = globals[name] else {
        if library.builtins[name] != nil || Compiler.specialForms.contains(name) {
          sink.error(expr.location, "builtin '\(name)' must be called with '(...)'")
        } else {
          sink.error(expr.location, "unknown name '\(name)'")
        }
        return invalid(into: into)
      }
      switch global {
      case .constant(let value, let type):
        return constant(value, type, into: into, expr.location)
      case .function:
        sink.error(expr.location, "'\(name)' is a function; call it with '(...)'")
        return invalid(into: into)
      case .shared(_, let length?, _):
        sink.error(
          expr.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        return invalid(into: into)
      case .shared(let cell, nil, let type):
        if type == .rwlock || type == .spinlock {
          return constant(.pointer(cell), type, into: into, expr.location)
        }
        let args = temp()
        _ = emit(.constant(dst: args, value: .pointer(cell)), expr.location)
        let dst = into ?? temp()
        emitBuiltin(
          Library.plainLoad, base: args, count: 1, dst: dst, out: -1, location: expr.location,
          text: name)
        return Operand(slot: dst, type: type)
      }
    case .index:
      guard let (pointer, type) = elementPointer(expr) else { return invalid(into: into) }
      if type == .rwlock || type == .spinlock {
        return Operand(slot: place(pointer, into: into, expr.location), type: type)
      }
      let dst = into ?? temp()
      emitBuiltin(
        Library.plainLoad, base: pointer, count: 1, dst: dst, out: -1, location: expr.location,
        text: text(expr))
      return Operand(slot: dst, type: type)
    case .unary(let op, let operand):
      switch op {
      case "&":
        return addressOf(operand, into: into, whole: expr)
      case "*":
        let p = expression(operand)
        if p.type != .pointer && p.type != .any {
          sink.error(operand.location, "cannot dereference a value of type \(p.type)")
        }
        let args = temp()
        _ = emit(.move(dst: args, src: p.slot), expr.location)
        let dst = into ?? temp()
        emitBuiltin(
          Library.plainLoad, base: args, count: 1, dst: dst, out: -1, location: expr.location,
          text: text(expr))
        return Operand(slot: dst, type: .any)
      default:
        let v = expression(operand)
        let dst = into ?? temp()
        switch op {
        case "-":
          requireNumeric(v.type, expr.location, op)
          _ = emit(.unary(.negate, dst: dst, src: v.slot), expr.location)
          return Operand(slot: dst, type: .int)
        case "~":
          requireNumeric(v.type, expr.location, op)
          _ = emit(.unary(.complement, dst: dst, src: v.slot), expr.location)
          return Operand(slot: dst, type: .int)
        default:
          requireNumeric(v.type, expr.location, op)
          _ = emit(.unary(.not, dst: dst, src: v.slot), expr.location)
          return Operand(slot: dst, type: .bool)
        }
      }
    case .binary(let op, let left, let right):
      if op == "&&" || op == "||" {
        let dst = into ?? temp()
        let l = expression(left, into: dst)
        requireNumeric(l.type, left.location, op)
        let skip = emit(
          op == "&&"
            ? .branchFalse(condition: dst, target: 0) : .branchTrue(condition: dst, target: 0),
          expr.location)
        let mark = nextSlot
        let r = expression(right, into: dst)
        nextSlot = mark
        requireNumeric(r.type, right.location, op)
        patch(skip, target: ops.count)
        _ = emit(.unary(.toBool, dst: dst, src: dst), expr.location)
        return Operand(slot: dst, type: .bool)
      }
      let l = expression(left)
      let r = expression(right)
      let dst = into ?? temp()
      guard let binary = Compiler.binaryOps[op] else { return invalid(into: into) }
      let isComparison = [BinaryOp.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
        .contains(binary)
      if binary == .equal || binary == .notEqual {
        if !l.type.isAssignable(to: r.type) && !r.type.isAssignable(to: l.type) {
          sink.error(expr.location, "cannot compare \(l.type) with \(r.type)")
        }
      } else {
        requireNumeric(l.type, left.location, op)
        requireNumeric(r.type, right.location, op)
      }
      if binary == .divide || binary == .remainder, let (v, _) = constantValue(right), v.bits == 0 {
        sink.error(right.location, "division by zero")
      }
      _ = emit(.binary(binary, dst: dst, a: l.slot, b: r.slot), expr.location)
      return Operand(slot: dst, type: isComparison ? .bool : .int)
    case .ternary(let condition, let a, let b):
      let c = conditionValue(condition)
      let dst = into ?? temp()
      let branch = emit(.branchFalse(condition: c, target: 0), expr.location)
      let mark = nextSlot
      let va = expression(a, into: dst)
      nextSlot = mark
      let skip = emit(.jump(target: 0), expr.location)
      patch(branch, target: ops.count)
      let vb = expression(b, into: dst)
      nextSlot = mark
      patch(skip, target: ops.count)
      if !va.type.isAssignable(to: vb.type) {
        sink.error(
          expr.location, "the branches of '?:' have different types: \(va.type) and \(vb.type)")
      }
      return Operand(slot: dst, type: va.type == .any ? vb.type : va.type)
    case .call(let name, let arguments):
      return call(name, arguments, expr, into: into, needValue: needValue)
    }
  }

  private func addressOf(_ operand: Expr, into: Int32?, whole: Expr) -> Operand {
    switch operand.kind {
    case .name(let name):
      if lookupLocal(name) != nil {
        sink.error(
          operand.location,
          "cannot take the address of local variable '\(name)'; only builtins take '&local' out-parameters"
        )
        return invalid(into: into)
      }
      guard case .shared(let cell, let length, let type)? = globals[name]?.0 else {
        if globals[name] == nil && library.constants[name] == nil {
          sink.error(operand.location, "unknown name '\(name)'")
        } else {
          sink.error(operand.location, "'&' needs a shared variable, not '\(name)'")
        }
        return invalid(into: into)
      }
      if let length {
        sink.error(
          operand.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        return invalid(into: into)
      }
      let isLock = type == .rwlock || type == .spinlock
      return constant(.pointer(cell), isLock ? type : .pointer, into: into, whole.location)
    case .index:
      guard let (pointer, type) = elementPointer(operand) else { return invalid(into: into) }
      let isLock = type == .rwlock || type == .spinlock
      return Operand(
        slot: place(pointer, into: into, whole.location), type: isLock ? type : .pointer)
    default:
      sink.error(operand.location, "'&' needs a shared variable or array element")
      return invalid(into: into)
    }
  }

  private func argumentLabelsCheck(
    _ name: String, _ arguments: [Argument], _ parameterNames: [String]
  ) {
    for (i, argument) in arguments.enumerated() {
      if let label = argument.label, i < parameterNames.count, label != parameterNames[i] {
        sink.error(
          argument.value.location,
          "argument label '\(label)' does not match parameter '\(parameterNames[i])' of '\(name)'")
      }
    }
  }

  private func arityMessage(_ name: String, _ expected: Int, _ given: Int, atLeast: Bool = false)
    -> String
  {
    "'\(name)' takes \(atLeast ? "at least " : "")\(expected) argument\(expected == 1 ? "" : "s"), but \(given) \(given == 1 ? "was" : "were") given"
  }

  private func call(
    _ name: String, _ arguments: [Argument], _ expr: Expr, into: Int32?, needValue: Bool
  ) -> Operand {
    if lookupLocal(name) != nil {
      sink.error(expr.location, "'\(name)' is a local variable, not a function")
      return invalid(into: into)
    }
    if Compiler.specialForms.contains(name) {
      return specialForm(name, arguments, expr, into: into)
    }
    if let builtin = library.builtins[name] {
      return callBuiltin(builtin, arguments, expr, into: into, needValue: needValue)
    }
    guard let (global, _) = globals[name] else {
      sink.error(expr.location, "unknown function '\(name)'")
      for argument in arguments { _ = expression(argument.value) }
      return invalid(into: into)
    }
    guard case .function(let index) = global else {
      sink.error(expr.location, "'\(name)' is a \(describe(global)), not a function")
      return invalid(into: into)
    }
    let signature = signatures[index]
    if arguments.count != signature.parameters.count {
      sink.error(expr.location, arityMessage(name, signature.parameters.count, arguments.count))
    }
    argumentLabelsCheck(name, arguments, signature.parameters.map(\.name))
    let base = nextSlot
    for _ in arguments { _ = temp() }
    for (i, argument) in arguments.enumerated() {
      let v = expression(argument.value, into: base + Int32(i))
      if i < signature.parameters.count {
        let p = signature.parameters[i]
        checkAssignable(
          v.type, to: p.type, argument.value.location,
          "argument \(i + 1) of '\(name)' must be \(p.type), not \(v.type)")
      }
    }
    if needValue && signature.result == .void {
      sink.error(expr.location, "'\(name)' returns void; its result cannot be used")
    }
    let dst = into ?? temp()
    _ = emit(
      .call(
        function: Int32(index), argumentBase: base, argumentCount: Int32(arguments.count), dst: dst),
      expr.location, text: text(expr))
    return Operand(slot: dst, type: signature.result)
  }

  private func callBuiltin(
    _ builtin: Builtin, _ arguments: [Argument], _ expr: Expr, into: Int32?, needValue: Bool
  ) -> Operand {
    let name = builtin.name
    let fixed = builtin.parameters.count
    if builtin.isVariadic ? arguments.count < fixed : arguments.count != fixed {
      sink.error(
        expr.location, arityMessage(name, fixed, arguments.count, atLeast: builtin.isVariadic))
    }
    if arguments.count > BuiltinArguments.capacity {
      sink.error(expr.location, "'\(name)' can take at most \(BuiltinArguments.capacity) arguments")
      return invalid(into: into)
    }
    if builtin.threadOnly && context != .function {
      sink.error(
        expr.location,
        "'\(name)' cannot be used in an '\(context == .initBlock ? "init" : "finally")' block")
    }
    if builtin.isNondeterministic && atomicDepth > 0 {
      sink.error(expr.location, "'\(name)' cannot be used inside 'atomic' or 'await'")
    }
    argumentLabelsCheck(name, arguments, builtin.parameters.map(\.name))
    let base = nextSlot
    for _ in arguments { _ = temp() }
    var out: Int32 = -1
    for (i, argument) in arguments.enumerated() {
      let slot = base + Int32(i)
      let parameter =
        builtin.parameters.isEmpty
        ? Builtin.Parameter("x", .any) : builtin.parameters[min(i, fixed - 1)]
      let ordinal = "argument \(i + 1) of '\(name)'"
      switch parameter.mode {
      case .value:
        let v = expression(argument.value, into: slot)
        checkAssignable(
          v.type, to: parameter.type, argument.value.location,
          "\(ordinal) must be \(parameter.type), not \(v.type)")
      case .location:
        locationArgument(argument.value, into: slot, ordinal: ordinal)
      case .out:
        guard case .unary("&", let inner) = argument.value.kind, case .name(let local) = inner.kind,
          let index = lookupLocal(local)
        else {
          sink.error(argument.value.location, "\(ordinal) must be '&' and a local variable")
          continue
        }
        locals[index].isRead = true
        _ = emit(.move(dst: slot, src: locals[index].slot), argument.value.location)
        out = locals[index].slot
      case .lock(let type):
        var inner = argument.value
        if case .unary("&", let operand) = inner.kind { inner = operand }
        let isName: Bool
        if case .name = inner.kind {
          isName = true
        } else if case .index = inner.kind {
          isName = true
        } else {
          isName = false
        }
        guard isName else {
          sink.error(argument.value.location, "\(ordinal) must be a \(type)")
          continue
        }
        let v = expression(inner, into: slot)
        if v.type != type && v.type != .any {
          sink.error(argument.value.location, "\(ordinal) must be a \(type), not \(v.type)")
        }
      }
    }
    if needValue && builtin.result == .void {
      sink.error(expr.location, "'\(name)' returns void; its result cannot be used")
    }
    let dst = into ?? temp()
    emitBuiltin(
      name, base: base, count: Int32(arguments.count), dst: dst, out: out, location: expr.location,
      text: text(expr))
    return Operand(slot: dst, type: builtin.result)
  }

  /// A shared location passed to a builtin, as a pointer in `slot`.
  private func locationArgument(_ expr: Expr, into slot: Int32, ordinal: String) {
    switch expr.kind {
    case .name(let name):
      if let index = lookupLocal(name) {
        let local = locals[index]
        if local.type == .pointer || local.type == .any {
          locals[index].isRead = true
          _ = emit(.move(dst: slot, src: local.slot), expr.location)
          return
        }
        sink.error(
          expr.location,
          "\(ordinal) must be a shared location (a shared variable, an array element or a pointer), not the local value '\(name)'"
        )
        return
      }
      guard case .shared(let cell, let length, let type)? = globals[name]?.0 else {
        if globals[name] == nil && library.constants[name] == nil {
          sink.error(expr.location, "unknown name '\(name)'")
        } else {
          sink.error(
            expr.location,
            "\(ordinal) must be a shared location (a shared variable, an array element or a pointer)"
          )
        }
        return
      }
      if let length {
        sink.error(
          expr.location, "shared array '\(name)' needs an index (it has \(length) elements)")
        return
      }
      if type == .rwlock || type == .spinlock {
        sink.error(expr.location, "\(ordinal) must be a shared location, not the lock '\(name)'")
        return
      }
      _ = emit(.constant(dst: slot, value: .pointer(cell)), expr.location)
    case .index:
      guard let (pointer, _) = elementPointer(expr) else { return }
      _ = emit(.move(dst: slot, src: pointer), expr.location)
    case .unary("*", let operand):
      let p = expression(operand, into: slot)
      if p.type != .pointer && p.type != .any {
        sink.error(operand.location, "cannot dereference a value of type \(p.type)")
      }
    default:
      let v = expression(expr, into: slot)
      if v.type != .pointer && v.type != .any {
        sink.error(
          expr.location,
          "\(ordinal) must be a shared location (a shared variable, an array element or a pointer)")
      }
    }
  }

  private func specialForm(_ name: String, _ arguments: [Argument], _ expr: Expr, into: Int32?)
    -> Operand
  {
    if name == "call_rcu" {
      // call_rcu(f, args...): modelled as a grace period (synchronize_rcu) followed by f(args).
      guard let first = arguments.first, case .name(let function) = first.value.kind else {
        sink.error(expr.location, "'call_rcu' takes a function name and its arguments")
        return invalid(into: into)
      }
      if context != .function {
        sink.error(
          expr.location,
          "'call_rcu' cannot be used in an '\(context == .initBlock ? "init" : "finally")' block")
      }
      emitBuiltin(
        "synchronize_rcu", base: nextSlot, count: 0, dst: -1, out: -1, location: expr.location,
        text: text(expr))
      let call = Expr(
        kind: .call(name: function, arguments: Array(arguments.dropFirst())),
        location: first.value.location, start: expr.start, end: expr.end)
      _ = expression(call, needValue: false)
      return Operand(slot: into ?? temp(), type: .void)
    }
    // KVM_BUG_ON(cond[, kvm]), WARN_ON(cond), WARN_ON_ONCE(cond), BUG_ON(cond).
    let allowsVM = name == "KVM_BUG_ON"
    if arguments.isEmpty || arguments.count > (allowsVM ? 2 : 1) {
      sink.error(
        expr.location,
        allowsVM
          ? "'KVM_BUG_ON' takes a condition and optionally the VM, but \(arguments.count) arguments were given"
          : arityMessage(name, 1, arguments.count))
      return invalid(into: into)
    }
    if arguments.count == 2, case .name = arguments[1].value.kind {
    } else if arguments.count == 2 {
      sink.error(
        arguments[1].value.location,
        "the second argument of 'KVM_BUG_ON' must be a name (it is ignored)")
    }
    let dst = into ?? temp()
    let v = expression(arguments[0].value, into: dst)
    requireNumeric(v.type, arguments[0].value.location, name)
    let kind: CheckKind
    if let invariant = Self.invariantForms[name] {
      kind = .invariant(invariant)
    } else if name == "TDX_BUG_ON" {
      kind = .tdxBugOn
    } else {
      kind = name == "KVM_BUG_ON" ? .kvmBugOn : name == "BUG_ON" ? .bugOn : .warnOn
    }
    _ = emit(.check(kind, condition: dst), expr.location, text: text(expr))
    return Operand(slot: dst, type: .bool)
  }

  // MARK: Scenarios

  private func compileScenario(_ scenario: ScenarioDecl, file: String) {
    currentFile = file
    var threads: [CompiledThread] = []
    var names: Set<String> = []
    if scenario.threads.isEmpty {
      sink.error(scenario.location, "scenario '\(scenario.name)' has no threads")
    }
    if scenario.threads.count > 16 {
      sink.error(
        scenario.threads[16].location,
        "scenario '\(scenario.name)' has \(scenario.threads.count) threads; at most 16 are supported"
      )
    }
    for thread in scenario.threads {
      if !names.insert(thread.name).inserted {
        sink.error(
          thread.location, "duplicate thread name '\(thread.name)' in scenario '\(scenario.name)'")
      }
      guard case .function(let index)? = globals[thread.function]?.0 else {
        if library.builtins[thread.function] != nil {
          sink.error(
            thread.functionLocation,
            "a thread must run a spec function, not the builtin '\(thread.function)'")
        } else {
          sink.error(thread.functionLocation, "unknown function '\(thread.function)'")
        }
        continue
      }
      let signature = signatures[index]
      if thread.arguments.count != signature.parameters.count {
        sink.error(
          thread.functionLocation,
          arityMessage(thread.function, signature.parameters.count, thread.arguments.count))
        continue
      }
      argumentLabelsCheck(thread.function, thread.arguments, signature.parameters.map(\.name))
      var values: [Value] = []
      for (i, argument) in thread.arguments.enumerated() {
        guard let (value, type) = constantValue(argument.value) else {
          sink.error(argument.value.location, "thread arguments must be constants")
          continue
        }
        let p = signature.parameters[i]
        if !type.isAssignable(to: p.type) {
          sink.error(
            argument.value.location,
            "argument \(i + 1) of '\(thread.function)' must be \(p.type), not \(type)")
        }
        values.append(value)
      }
      threads.append(CompiledThread(name: thread.name, function: Int32(index), arguments: values))
    }
    var expectation = Expectation.ok
    if let e = scenario.expectation {
      expectation = e
      if case .violation(let kind) = e, !library.violationKinds.contains(kind) {
        sink.error(
          scenario.expectationLocation ?? scenario.location,
          "unknown violation kind '\(kind)'; expected one of \(library.violationKinds.joined(separator: ", "))"
        )
      }
    } else {
      sink.error(
        scenario.location,
        "scenario '\(scenario.name)' has no 'expect' (write 'expect ok;' or 'expect violation <kind>;')"
      )
    }
    let initFunction = scenario.initBlock.map {
      compileBlockFunction($0, name: "init of \(scenario.name)", file: file, context: .initBlock)
    }
    // In `finally`, each thread whose function returns a value is a name for that value.
    var resultThreads: [Int] = []
    var resultParameters: [(name: String, type: SpecType, location: SourceLocation)] = []
    for (t, thread) in threads.enumerated() where names.contains(thread.name) {
      let result = signatures[Int(thread.function)].result
      if result != .void, !resultParameters.contains(where: { $0.name == thread.name }) {
        resultThreads.append(t)
        resultParameters.append(
          (
            thread.name, result,
            scenario.threads.first { $0.name == thread.name }?.location ?? scenario.location
          ))
      }
    }
    let finallyFunction = scenario.finallyBlock.map {
      compileBlockFunction(
        $0, name: "finally of \(scenario.name)", file: file, context: .finallyBlock,
        parameters: resultParameters)
    }
    scenarios.append(
      CompiledScenario(
        name: scenario.name, location: scenario.location, expectation: expectation,
        threads: threads,
        initFunction: initFunction, finallyFunction: finallyFunction, finallyThreads: resultThreads)
    )
  }
}

// MARK: Region footprints

extension Compiler {
  /// What an `atomic` block or `await` region may touch, over every path through it and through
  /// the functions it calls (see `RegionFootprint`).
  fileprivate func regionFootprint(body: Stmt?, condition: Expr?) -> RegionFootprint {
    var walker = RegionWalker(compiler: self)
    if let body { walker.statement(body) }
    if let condition { walker.expression(condition, writes: false) }
    var fixed = Footprint()
    for (name, exclusive) in walker.globals.sorted(by: { $0.key < $1.key }) {
      guard case .shared(let cell, let length, _)? = globals[name]?.0 else { continue }
      for c in cell..<(cell + (length ?? 1)) { fixed.insert(object: c, mode: exclusive ? .write : .read) }
    }
    if walker.bugsVM { fixed.insert(object: Library.vmBuggedCell, mode: .write) }
    for object in walker.implicitWrites { fixed.insert(object: object, mode: .write) }
    if walker.acquiresLock || condition != nil { fixed.markBlocking() }
    var pointers: [(slot: Int32, exclusive: Bool)] = []
    var everything = walker.everything
    for (name, exclusive) in walker.dereferences {
      if walker.assignedLocals.contains(name) {
        everything = true
      } else if let index = lookupLocal(name) {
        pointers.append((locals[index].slot, exclusive))
      } else {
        everything = true
      }
    }
    return RegionFootprint(fixed: fixed, pointers: pointers, everything: everything)
  }

  /// Walks a region's syntax, collecting the shared variables it names and how.
  fileprivate struct RegionWalker {
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
      case .expression(let e), .await(let e):
        expression(e, writes: false)
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
        if case .name(let name) = operand.kind, !inCallee, !declared.contains(where: { $0.contains(name) }),
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
            case .location, .out, .lock: expression(argument.value, writes: !pureLoad || mode != .location)
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
