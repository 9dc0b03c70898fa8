"""An MCP client on the official Python SDK (PyPI `mcp`) for the tests.

    client.py stdio PLAN KITH ARGS...   runs `KITH ARGS...` and talks over stdio
    client.py http PLAN URL TOKEN       talks Streamable HTTP with a bearer token

PLAN is a JSON file: {"calls": [{"tool": NAME, "arguments": {...}}],
"resources": [URI], "prompts": [{"name": NAME, "arguments": {...}}]}. The
client lists the tools, resources, resource templates and prompts, makes
each call, reads each resource and gets each prompt, in order, and prints
one JSON document of what it saw. A protocol error is recorded, not raised.
"""

import json
import sys

import anyio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def attempt(coro):
    try:
        return {"ok": dump(await coro)}
    except Exception as e:  # the test reads what failed and how
        return {"protocol_error": f"{type(e).__name__}: {e}"}


async def run(session, plan):
    await session.initialize()
    seen = {
        "tools": dump(await session.list_tools())["tools"],
        "resources": dump(await session.list_resources())["resources"],
        "templates": dump(await session.list_resource_templates())["resourceTemplates"],
        "prompts": dump(await session.list_prompts())["prompts"],
        "calls": [],
        "reads": [],
        "got": [],
    }
    for call in plan.get("calls", []):
        answer = await attempt(session.call_tool(call["tool"], call.get("arguments", {})))
        seen["calls"].append({"tool": call["tool"], **answer})
    for uri in plan.get("resources", []):
        seen["reads"].append({"uri": uri, **(await attempt(session.read_resource(uri)))})
    for prompt in plan.get("prompts", []):
        answer = await attempt(session.get_prompt(prompt["name"], prompt.get("arguments", {})))
        seen["got"].append({"name": prompt["name"], **answer})
    return seen


async def main():
    mode, plan_path = sys.argv[1], sys.argv[2]
    with open(plan_path) as f:
        plan = json.load(f)
    if mode == "stdio":
        params = StdioServerParameters(command=sys.argv[3], args=sys.argv[4:], env=None)
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as session:
                seen = await run(session, plan)
    else:
        url, token = sys.argv[3], sys.argv[4]
        client = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
        async with client:
            async with streamable_http_client(url, http_client=client) as (read, write):
                async with ClientSession(read, write) as session:
                    seen = await run(session, plan)
    json.dump(seen, sys.stdout)


anyio.run(main)
