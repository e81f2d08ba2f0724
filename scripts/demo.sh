#!/usr/bin/env bash
# A joint review on the training clock, with curl, for a running `WORKDAY_SECONDS=5 npm start`.
# Watch the filing turn yellow, then red with a supervision case, then escalate; then the
# departments finish and the application completes. API defaults to http://localhost:3000.
set -euo pipefail
API=${API:-http://localhost:3000}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s);const r=('"$1"');console.log(typeof r==="string"?r:JSON.stringify(r))})'; }
login() { curl -sf "$API/api/auth/login" -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"demo1234\"}" | json v.token; }
post() { curl -s -X POST "$API$2" -H "authorization: Bearer $1" -H 'content-type: application/json' -d "${3:-{\}}"; }
get() { curl -s "$API$2" -H "authorization: Bearer $1"; }
step() { get "$OFFICER" "/api/applications/$ID" | json "v.steps.filter(s=>s.matterCode==='$1').map(s=>s.matterCode+': '+s.status+', light '+s.light+(s.deadline?', deadline '+s.deadline:'')+(s.overdue?', OVERDUE':'')+(s.escalationLevel?', supervision level '+s.escalationLevel:''))[0]"; }

OFFICER=$(login officer); DRC=$(login staff.drc); NRB=$(login staff.nrb); EEB=$(login staff.eeb); SUP=$(login supervisor)

echo "== 投资审批代办员 launches a joint review of the land pre-review and the EIA (the filing is added to the plan)"
ID=$(post "$OFFICER" /api/applications '{
  "project":  {"name":"根河光伏电站项目","code":"2611-150785-04-01-123456","investmentWanYuan":12000,"location":"根河市","industry":"新能源"},
  "investor": {"name":"根河新能源有限公司","creditCode":"91150785MA0N2XY41M","contactName":"李明","phone":"13800000000"},
  "matters":  ["LAND-PREREVIEW","EIA-FORM"]}' | json v.id)
echo "application $ID"; sleep 1

echo "== 发改委 window accepts the filing (1 working day) and does not decide"
post "$DRC" "/api/steps/$ID-PROJECT-FILING/accept" >/dev/null
for _ in 1 2 3 4; do step PROJECT-FILING; sleep 4; done

echo "== 督查协调室 sees the open supervision cases and urges"
get "$SUP" '/api/supervision/cases?status=open' | json "v.filter(c=>c.applicationId==='$ID').map(c=>c.id+' level '+c.level+' due '+c.dueAt).join('\n')"
post "$SUP" "/api/steps/$ID-PROJECT-FILING/urge" '{"message":"请立即办结"}' | json "v.lastUrgedAt ? 'urged at '+v.lastUrgedAt : v"

echo "== 发改委 approves (late); the land pre-review and the EIA start in parallel"
post "$DRC" "/api/steps/$ID-PROJECT-FILING/decision" '{"outcome":"approved","certificateNo":"BA-2026-001"}' | json "'filing: '+v.status+(v.overdue?' (overdue)':'')"
sleep 2; step LAND-PREREVIEW; step EIA-FORM

echo "== 自然资源局 asks for a correction; the officer supplies it; the deadline moves"
post "$NRB" "/api/steps/$ID-LAND-PREREVIEW/accept" >/dev/null
post "$NRB" "/api/steps/$ID-LAND-PREREVIEW/supplement-request" '{"items":["勘测定界图"],"reason":"材料不全"}' | json "'awaiting supplement, deadline was '+v.deadline"
sleep 6
post "$OFFICER" "/api/steps/$ID-LAND-PREREVIEW/supplement" '{"note":"已补齐"}' | json "'back in review, paused '+v.pausedWorkdays+' working day(s), deadline now '+v.deadline"

echo "== 生态环境局 rejects with reasons; the officer resubmits; it is approved"
post "$EEB" "/api/steps/$ID-EIA-FORM/accept" >/dev/null
post "$EEB" "/api/steps/$ID-EIA-FORM/decision" '{"outcome":"rejected","reason":"未落实污染防治措施"}' | json "'EIA: '+v.status"
sleep 1; get "$OFFICER" "/api/applications/$ID" | json "'application: '+v.status"
post "$OFFICER" "/api/applications/$ID/resubmit" '{"matterCode":"EIA-FORM","note":"已补充污染防治措施"}' | json "'application: '+v.status"
sleep 2
post "$EEB" "/api/steps/$ID-EIA-FORM/accept" >/dev/null
post "$EEB" "/api/steps/$ID-EIA-FORM/decision" '{"outcome":"approved"}' | json "'EIA attempt '+v.attempt+': '+v.status"
post "$NRB" "/api/steps/$ID-LAND-PREREVIEW/decision" '{"outcome":"approved"}' | json "'land pre-review: '+v.status"
sleep 2
get "$OFFICER" "/api/applications/$ID" | json "'application: '+v.status"
echo "== timeline"
get "$SUP" "/api/applications/$ID/timeline" | json "v.map(e=>e.at.slice(11,19)+'  '+e.type.padEnd(30)+e.actor.displayName).join('\n')"
