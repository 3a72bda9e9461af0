-- Twelve files of Lua's own test suite in one process, run from its
-- testes/ directory (docs/PERFORMANCE.md, "Real programs"): a tree of 2.4
-- million contexts, as its tests recurse on purpose.
--   cd lua/testes && ../lua_fnprof .../benchmarks/workloads/lua_suite.lua
_port, _soft = true, true
for _, f in ipairs{"sort.lua", "strings.lua", "nextvar.lua", "closure.lua", "calls.lua", "gc.lua",
                   "math.lua", "constructs.lua", "coroutine.lua", "pm.lua", "vararg.lua", "events.lua"} do
  dofile(f)
end
