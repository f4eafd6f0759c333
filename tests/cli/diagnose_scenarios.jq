# Checks one `heapdoc diagnose --format=json` output (input) against the
# scenario truth ($t[0] = truth-observed.json) for Go version $gov and mode
# $mode ("source", "plain", or "text" for the debug=1 snapshots, which carry
# no time: their verdicts come from evenly spaced snapshots and are not
# compared); see diagnose_scenarios.sh.  Prints one
# "CHECK <id>" per truth site and "FAIL <message>" per failed assertion.
. as $out
| $t[0] as $truth
| $truth.series[-1].sites as $last
| $truth.sites[]
| . as $site
| ($site.std_leaf // []) as $leaf
| ([$out.findings[] | select(if ($leaf | length) == 0 then .site.function == $site.function
     else (.owner.function == $site.function and (.site.function as $s | $leaf | index($s)))
     end)] | sort_by(-.alloc_bytes) | .[0]) as $f
| ([$site.verdict] + ($site.verdict_also // []) + [($site.verdict_by_version // {})[$gov] // empty]) as $verdicts
| ($site.map_impl[$gov]) as $impl
| ($last[$site.id] // {}) as $count
| "\($pre)/\($site.id) (\($mode))" as $name
| "CHECK \($site.id)",
  if $f == null then "FAIL \($name): no finding for \($site.function)"
  else
    (if $f.kind != $site.kind and
        ($mode == "source" or $site.shape != "concat" or $f.kind != "object")
     then "FAIL \($name): kind \($f.kind), want \($site.kind)" else empty end),
    (if $site.kind == "map" and $f.map_impl != $impl
     then "FAIL \($name): map_impl \($f.map_impl), want \($impl)" else empty end),
    (if $f.owner.function != $site.function
     then "FAIL \($name): owner \($f.owner.function), want \($site.function)" else empty end),
    (if $mode != "text" and ($verdicts | index($f.verdict)) == null
     then "FAIL \($name): verdict \($f.verdict), want one of \($verdicts | join(" "))" else empty end),
    # maps: the true live (or peak) entry count within [count_min, count_max]
    (($count.peak // $count.live) as $live
     | if $site.kind == "map" and $f.kind == "map" and $f.verdict != "transient" and ($live // 0) > 0 and
          ($f.estimate.unit != "entries" or $live < $f.estimate.count_min or $live > $f.estimate.count_max)
       then "FAIL \($name): \($live) live entries outside estimate [\($f.estimate.count_min), \($f.estimate.count_max)] (\($f.estimate.unit))"
       else empty end),
    # growing slices grown by append: length <= capacity estimate <= 2 x length
    (($count.len // $count.live) as $len
     | if $site.kind == "slice" and $site.shape == "growth-chain" and $f.verdict == "growing" and
          ($f.estimate.unit != "elements" or $f.estimate.count_max < $len or $f.estimate.count_min > $len * 2)
       then "FAIL \($name): length \($len) outside capacity estimate [\($f.estimate.count_min), \($f.estimate.count_max)] (\($f.estimate.unit))"
       else empty end)
  end
