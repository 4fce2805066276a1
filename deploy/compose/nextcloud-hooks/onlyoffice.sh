#!/bin/sh
# Runs once, after Nextcloud's first installation (the image's post-installation hook):
# installs the ONLYOFFICE connector and gives it the Document Server's URL and JWT secret.
set -eu
php /var/www/html/occ app:install onlyoffice || php /var/www/html/occ app:enable onlyoffice
php /var/www/html/occ config:app:set onlyoffice DocumentServerUrl --value="$ONLYOFFICE_URL"
php /var/www/html/occ config:app:set onlyoffice jwt_secret --value="$ONLYOFFICE_JWT_SECRET"
php /var/www/html/occ config:app:set onlyoffice jwt_header --value="Authorization"
