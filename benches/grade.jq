# Baseline for the README's performance figures: ASTCT 2019 ICANS grade,
# domains, drivers, completeness and management action ids of each NDJSON
# record, in jq (no validation, no texts). Run:
#   jq -c -f benches/grade.jq big.ndjson > /dev/null
def band($t): if $t == 10 then 0 elif $t >= 7 then 1 elif $t >= 3 then 2 else 3 end;
def capd($s): if $s == 0 then 0 elif $s <= 8 then 1 else 3 end;
def table: {
  consciousness: {alert: 0, awakens_spontaneously: 1, awakens_to_voice: 2, awakens_to_tactile: 3, unarousable: 4},
  seizure: {none: 0, rapidly_resolving: 3, prolonged_or_repetitive: 4},
  motor: {none: 0, tremor_or_myoclonus: 0, deep_focal_weakness: 4},
  edema: {none: 0, focal: 3, diffuse: 4}
};
. as $r
| ($r.other_cause // []) as $other
| (if $r.ice then ($r.ice | add) else $r.ice_total end) as $ice
| {
    encephalopathy: (if $ice != null then band($ice)
                     elif $r.capd != null then capd($r.capd)
                     elif $r.consciousness == "unarousable" and ($other | index("consciousness") | not) then 4
                     else null end),
    consciousness: (if $r.consciousness then table.consciousness[$r.consciousness] else null end),
    seizure: (if $r.seizure then table.seizure[$r.seizure] else null end),
    motor: (if $r.motor then table.motor[$r.motor] else null end),
    edema: (if $r.edema then table.edema[$r.edema] else null end)
  } as $found
| ($found | with_entries(
    .key as $k
    | .value = (if .value == null then {status: "not_assessed", grade: null}
                elif ($other | index($k)) then {status: "excluded", grade: null}
                else {status: "graded", grade: .value} end))) as $domains
| (if $r.died_of_icans then 5 else ([$domains[] | .grade // 0] | max) end) as $grade
| (($r.crs_grade // 0) >= 1) as $crs
| {
    id: $r.id, patient_id: $r.patient_id, day: $r.day,
    grade: $grade,
    complete: ([$domains[] | select(.status == "not_assessed")] | length == 0),
    domains: $domains,
    drivers: (if $grade >= 1 and $grade <= 4 then [$domains | to_entries[] | select(.value.grade == $grade) | .key] else [] end),
    unassessed: [$domains | to_entries[] | select(.value.status == "not_assessed") | .key],
    excluded: [$domains | to_entries[] | select(.value.status == "excluded") | .key],
    management: {
      actions: (
        if $grade == 0 then ["ice_screening"]
        elif $grade == 1 then ["ice_monitoring", "supportive_care"] + (if $crs then ["tocilizumab"] else [] end)
             + (if ($r.hours_since_onset // 0) > 24 then ["consider_corticosteroids"] else [] end)
        elif $grade == 2 then ["dexamethasone", "levetiracetam", "neurology_consult", "eeg"] + (if $crs then ["tocilizumab"] else [] end)
        elif $grade == 3 then ["dexamethasone", "methylprednisolone", "antiseizure_therapy", "icu", "mri_brain"]
             + (if $r.steroid_refractory then ["consider_anakinra"] else [] end) + (if $crs then ["tocilizumab"] else [] end)
        elif $grade == 4 then ["methylprednisolone_pulse", "icu", "airway_protection", "consider_additional_immunosuppression"]
             + (if ($domains.edema.grade // 0) > 0 then ["icp_monitoring"] else [] end) + (if $crs then ["tocilizumab"] else [] end)
        else [] end),
      reassess_hours: (if $grade == 5 then null
                       elif $grade >= 2 or $crs or ($ice != null and $r.previous_ice_total != null and $ice < $r.previous_ice_total) then 4
                       elif $grade == 1 then 8 else 12 end)
    },
    criteria: "ASTCT 2019"
  }
