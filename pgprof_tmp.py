import asyncio, time, os, sys, cProfile, pstats
from bench.pg_request import seed, call, ADMIN, workload
from tests.support.pg import PostgresCluster
from candidly.settings import Settings
from candidly.web.app import create_app

async def main():
    cluster = PostgresCluster()
    cluster.start()
    try:
        url = cluster.create_database("x")
        settings = Settings(database_url=url, admin_token=ADMIN, run_worker=False, access_log=False,
                            secret_key="k" * 44, rate_limit_per_minute=0, auth_failures_per_minute=0, database_threads=0)
        app = create_app(settings)
        world = await seed(app, 20)
        op = [o for o in workload.operations(world) if o.name == "get"][0]
        for _ in range(100):
            await call(app, op.method, op.paths[0], op.headers, b"")
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        for _ in range(1000):
            await call(app, op.method, op.paths[0], op.headers, b"")
        prof.disable()
        st = pstats.Stats(prof); st.sort_stats("tottime").print_stats(18)
    finally:
        cluster.stop()
asyncio.run(main())
