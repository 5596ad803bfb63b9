# -*- coding: utf-8 -*-
# Copyright: railstack.platform contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shapes of Railway's database templates, as data (read by railway_database).

Railway's templates change over time (its CLI says so), so each engine's shape is kept here and
nowhere else: the service name, image and default tag, the volume's mount path, the port, the start
command (None: the image's own), the password variable (generated once, 32 letters), the standard
variables, the public URL (with "Public Access": a TCP proxy on the port) and the variables other
services reference. Postgres and Redis match the Railway CLI's own config builder (src/iac/compiler.rs);
MongoDB's start command is from Railway's docs (databases/mongodb.md: private DNS of environments made
before 2025-10-16 resolves to IPv6 only); MySQL's from Railway's MySQL template page.

It is a Python module, not a JSON file, so it travels with the module when a task runs remotely.
`${{...}}` are Railway references, rendered by Railway; `%(extra)s` in a start command takes the
engine's options (Redis: --maxmemory, --maxmemory-policy).
"""

from __future__ import annotations

TEMPLATES = {
    "postgres": {
        "name": "Postgres",
        "image": "ghcr.io/railwayapp-templates/postgres-ssl",
        "version": "18",
        "mount": "/var/lib/postgresql/data",
        "port": 5432,
        "start_command": None,
        "password": "POSTGRES_PASSWORD",
        "url": "DATABASE_URL",
        "public_url": "DATABASE_PUBLIC_URL",
        "variables": [
            ["PGDATA", "/var/lib/postgresql/data/pgdata"],
            ["PGHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"],
            ["PGPORT", "5432"],
            ["PGUSER", "${{POSTGRES_USER}}"],
            ["PGPASSWORD", "${{POSTGRES_PASSWORD}}"],
            ["PGDATABASE", "${{POSTGRES_DB}}"],
            ["POSTGRES_DB", "railway"],
            ["POSTGRES_USER", "postgres"],
            ["DATABASE_URL", "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/${{PGDATABASE}}"],
            ["RAILWAY_DEPLOYMENT_DRAINING_SECONDS", "60"],
            ["SSL_CERT_DAYS", "820"],
        ],
        "public_value": "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{PGDATABASE}}",
        "consumers": ["DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"],
    },
    "redis": {
        "name": "Redis",
        "image": "redis",
        "version": "8.2.1",
        "mount": "/data",
        "port": 6379,
        "start_command": ('/bin/sh -c "rm -rf $RAILWAY_VOLUME_MOUNT_PATH/lost+found/ && exec docker-entrypoint.sh redis-server'
                          ' --requirepass $REDIS_PASSWORD --save 60 1 --dir $RAILWAY_VOLUME_MOUNT_PATH%(extra)s"'),
        "password": "REDIS_PASSWORD",
        "url": "REDIS_URL",
        "public_url": "REDIS_PUBLIC_URL",
        "variables": [
            ["REDISHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"],
            ["REDISPORT", "6379"],
            ["REDISUSER", "default"],
            ["REDISPASSWORD", "${{REDIS_PASSWORD}}"],
            ["REDIS_URL", "redis://${{REDISUSER}}:${{REDIS_PASSWORD}}@${{REDISHOST}}:${{REDISPORT}}"],
        ],
        "public_value": "redis://default:${{REDIS_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}",
        "consumers": ["REDIS_URL", "REDISHOST", "REDISPORT", "REDISUSER", "REDISPASSWORD"],
    },
    "mysql": {
        "name": "MySQL",
        "image": "mysql",
        "version": "9.4",
        "mount": "/var/lib/mysql",
        "port": 3306,
        "start_command": "docker-entrypoint.sh mysqld --innodb-use-native-aio=0 --disable-log-bin --performance_schema=0",
        "password": "MYSQL_ROOT_PASSWORD",
        "url": "MYSQL_URL",
        "public_url": "MYSQL_PUBLIC_URL",
        "variables": [
            ["MYSQLHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"],
            ["MYSQLPORT", "3306"],
            ["MYSQLUSER", "root"],
            ["MYSQLPASSWORD", "${{MYSQL_ROOT_PASSWORD}}"],
            ["MYSQL_DATABASE", "railway"],
            ["MYSQLDATABASE", "${{MYSQL_DATABASE}}"],
            ["MYSQL_URL", "mysql://${{MYSQLUSER}}:${{MYSQL_ROOT_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:3306/${{MYSQL_DATABASE}}"],
        ],
        "public_value": "mysql://${{MYSQLUSER}}:${{MYSQL_ROOT_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}/${{MYSQL_DATABASE}}",
        "consumers": ["MYSQL_URL", "MYSQLHOST", "MYSQLPORT", "MYSQLUSER", "MYSQLPASSWORD", "MYSQLDATABASE"],
    },
    "mongo": {
        "name": "MongoDB",
        "image": "mongo",
        "version": "8",
        "mount": "/data/db",
        "port": 27017,
        "start_command": "mongod --ipv6 --bind_ip ::,0.0.0.0 --setParameter diagnosticDataCollectionEnabled=false",
        "password": "MONGO_INITDB_ROOT_PASSWORD",
        "url": "MONGO_URL",
        "public_url": "MONGO_PUBLIC_URL",
        "variables": [
            ["MONGOHOST", "${{RAILWAY_PRIVATE_DOMAIN}}"],
            ["MONGOPORT", "27017"],
            ["MONGO_INITDB_ROOT_USERNAME", "mongo"],
            ["MONGOUSER", "${{MONGO_INITDB_ROOT_USERNAME}}"],
            ["MONGOPASSWORD", "${{MONGO_INITDB_ROOT_PASSWORD}}"],
            ["MONGO_URL", "mongodb://${{MONGOUSER}}:${{MONGOPASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:${{MONGOPORT}}"],
        ],
        "public_value": "mongodb://${{MONGOUSER}}:${{MONGOPASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:${{RAILWAY_TCP_PROXY_PORT}}",
        "consumers": ["MONGO_URL", "MONGOHOST", "MONGOPORT", "MONGOUSER", "MONGOPASSWORD"],
    },
}
