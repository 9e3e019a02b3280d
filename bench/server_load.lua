-- wrk script for bench/server.sh: a mix of API reads and writes against
-- one rampartd, as an MSP's API clients would send them.
--
--   40 %  GET  /api/v1/advisories?limit=50      list advisories
--   30 %  GET  /api/v1/advisories/ID            show one (ID: the script's
--                                               arguments, picked at random)
--   20 %  GET  /api/v1/tenants                  list tenants
--   10 %  POST /api/v1/tenants                  create a tenant (a write with
--                                               its audit entry); the slug is
--                                               unique per run, thread and
--                                               request
--
-- The API token comes from BENCH_TOKEN (not the command line, where other
-- users could read it); BENCH_NONCE makes the slugs of one run unique.
-- Every answer outside 2xx is counted, and so are wrk's socket errors and
-- timeouts; done() prints one line `BENCH {json}` and exits 1 if any
-- request failed ("zero errors" is part of the result).

local threads = {}
local next_tid = 1

function setup(thread)
	thread:set("tid", next_tid)
	next_tid = next_tid + 1
	table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state).
tid = 0
bad = 0        -- answers outside 2xx
created = 0    -- 201 answers (tenants created)
shown = {}     -- first few failures, for the report
local n = 0
local reqs_list, reqs_tenants, reqs_show
local nonce = os.getenv("BENCH_NONCE") or tostring(os.time())

function init(args)
	local token = os.getenv("BENCH_TOKEN")
	if token == nil or token == "" then
		io.stderr:write("server_load.lua: BENCH_TOKEN is not set\n")
		os.exit(2)
	end
	if #args == 0 then
		io.stderr:write("server_load.lua: advisory IDs expected after --\n")
		os.exit(2)
	end
	wrk.headers["Authorization"] = "Bearer " .. token
	math.randomseed(os.time() * 1000 + tid)
	-- Fixed requests are built once (wrk's advice: building a request
	-- per call costs the load generator CPU it shares with the server).
	reqs_list = wrk.format("GET", "/api/v1/advisories?limit=50")
	reqs_tenants = wrk.format("GET", "/api/v1/tenants")
	reqs_show = {}
	for i, id in ipairs(args) do
		reqs_show[i] = wrk.format("GET", "/api/v1/advisories/" .. id)
	end
end

function request()
	local r = math.random(100)
	if r <= 40 then
		return reqs_list
	elseif r <= 70 then
		return reqs_show[math.random(#reqs_show)]
	elseif r <= 90 then
		return reqs_tenants
	end
	n = n + 1
	local slug = string.format("b%s-%d-%d", nonce, tid, n)
	local h = {}
	for k, v in pairs(wrk.headers) do
		h[k] = v
	end
	h["Content-Type"] = "application/json"
	return wrk.format("POST", "/api/v1/tenants", h,
	    '{"slug":"' .. slug .. '","name":"Bench ' .. slug .. '"}')
end

function response(status, headers, body)
	if status == 201 then
		created = created + 1
	end
	if status < 200 or status > 299 then
		bad = bad + 1
		if #shown < 5 then
			table.insert(shown, status .. " " .. string.sub(body or "", 1, 200))
		end
	end
end

function done(summary, latency, requests)
	local nbad, ncreated = 0, 0
	for _, t in ipairs(threads) do
		nbad = nbad + t:get("bad")
		ncreated = ncreated + t:get("created")
		for _, s in ipairs(t:get("shown")) do
			io.stderr:write("server_load.lua: failed: " .. s .. "\n")
		end
	end
	local e = summary.errors
	io.write(string.format('BENCH {"requests": %d, "duration_us": %d, ' ..
	    '"bytes": %d, "non2xx": %d, "created": %d, "connect_errors": %d, ' ..
	    '"read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
	    '"status_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
	    '"p999_us": %d, "max_us": %d, "mean_us": %.1f}\n',
	    summary.requests, summary.duration, summary.bytes, nbad, ncreated,
	    e.connect, e.read, e.write, e.timeout, e.status,
	    latency:percentile(50), latency:percentile(90),
	    latency:percentile(99), latency:percentile(99.9), latency.max,
	    latency.mean))
	if nbad + e.connect + e.read + e.write + e.timeout + e.status > 0 then
		os.exit(1)
	end
end
